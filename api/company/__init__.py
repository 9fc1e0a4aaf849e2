"""The companies' endpoints of the API (docs/api.md): their own dashboard and contacts, over the dashboard's selectors."""
