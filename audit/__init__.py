"""The change history of every record: who changed what, when, from where, from which value to which.

Imported by every app (each way in writes history); imports none of them.
"""
