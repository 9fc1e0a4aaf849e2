"""Contacts and the judges' work: questionnaires, contacts and answers, conflicts, bundle and CSV import/export.

Imports award (and audit, scoring.rules); imported by scoring, publications, website and dashboard.
"""
