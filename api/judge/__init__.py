"""The judges' endpoints of the API (docs/api.md)."""
