"""Accounts: roles, memberships and invitations, and company users' login and password pages."""
