"""The year's frame: editions, classes, participants, memberships, roles, accounts and invitations.

Imported by every app above it; imports only audit and the pure rules (scoring.rules).
"""
