from __future__ import annotations

from django.urls import path, re_path

from publications import api

app_name = "api"
urlpatterns = [
    path("editions/", api.EditionListView.as_view(), name="editions"),
    path("editions/<int:year>/results/interim/", api.ResultsView.as_view(), name="interim"),
    path("editions/<int:year>/results/final/", api.FinalResultsView.as_view(), name="final"),
    path("editions/<int:year>/publications/", api.PublicationListView.as_view(), name="publications"),
    # Any character, a line break too (a %0A in an id): every other address under the API is a JSON 404.
    re_path(r"^(?P<path>[\s\S]*)$", api.NotFoundView.as_view(), name="not-found"),
]
