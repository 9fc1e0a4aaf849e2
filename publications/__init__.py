"""Publications: payload, canonical JSON, digest, verification, publishing, and the public results API.

Imports award, channels_app and scoring; imported only by website, dashboard and demo.
"""
