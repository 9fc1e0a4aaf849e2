"""/api/: the schema, its docs, and version 1 of the API: tokens, each role's endpoints, and the public results API of
docs/results-api.md (publications.urls, unchanged, with its JSON 404 for every other address last)."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver, include, path, register_converter
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from api import converters, tokens
from publications.urls import urlpatterns as public_urlpatterns

register_converter(converters.Id, "id")
register_converter(converters.Year, "year")

app_name = "api"
v1: list[URLPattern | URLResolver] = [
    path("tokens/", tokens.TokenListView.as_view(), name="tokens"),
    path("tokens/<id:pk>/", tokens.TokenDetailView.as_view(), name="token"),
    path("judge/", include("api.judge.urls")),
    path("organiser/", include("api.organiser.urls")),
    path("company/", include("api.company.urls")),
    *public_urlpatterns,
]
urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api:schema"), name="docs"),
    path("v1/", include(v1)),
]
