"""The company dashboard: a participant's own results against the anonymous field, for its members only.

Owns no models. Imports award, channels_app, scoring and publications; nothing imports it.
"""
