from __future__ import annotations

from django.urls import path, re_path

from publications import api
from publications.cache import public_response

# The public results, the same for every reader (no login is read): served whole from the cache (publications.cache).
# Raise RESPONSE_VERSION when what these views answer changes for the same publications.
RESPONSE_VERSION = 1
published = public_response(version=RESPONSE_VERSION, frame=False)

app_name = "api"
urlpatterns = [
    path("editions/", published(api.EditionListView.as_view()), name="editions"),
    path("editions/<int:year>/results/interim/", published(api.ResultsView.as_view()), name="interim"),
    path("editions/<int:year>/results/final/", published(api.FinalResultsView.as_view()), name="final"),
    path("editions/<int:year>/publications/", published(api.PublicationListView.as_view()), name="publications"),
    # Any character, a line break too (a %0A in an id): every other address under the API is a JSON 404.
    re_path(r"^(?P<path>[\s\S]*)$", api.NotFoundView.as_view(), name="not-found"),
]
