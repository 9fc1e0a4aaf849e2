"""The change history of every record: who changed what, when, from where, from which value to which; and the
security log (security.py: logins, refusals, publications, voids, changes, one line each).

Imported by every app (each way in writes history); imports none of them.
"""
