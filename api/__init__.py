"""The REST API for judges, organisers and companies (docs/api.md), over the services and selectors the pages use.

It imports every app below it (dashboard, publications, scoring, channels_app, award, audit); nothing imports it
but config's URLs.
"""
