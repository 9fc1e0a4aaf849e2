"""The organisers' endpoints of the API (docs/api.md)."""
