"""The companys' endpoints of the API (docs/api.md)."""
