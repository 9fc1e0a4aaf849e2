"""The product's addresses and one more, for the benchmark alone: the cheapest view the same gunicorn can serve."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.urls import URLPattern, URLResolver, include, path


def trivial(request: HttpRequest) -> HttpResponse:
    return HttpResponse("ok")


urlpatterns: list[URLPattern | URLResolver] = [
    path("bench-trivial/", trivial),
    path("", include("config.urls")),
]
