"""The organisers' endpoints of the API (docs/api.md): the year's frame, the field work, the results and publishing."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver, path

from api.organiser import field, frame, imports, results

app_name = "organiser"
urlpatterns: list[URLPattern | URLResolver] = [
    path("editions/", frame.EditionListView.as_view(), name="editions"),
    path("editions/<year:year>/", frame.EditionDetailView.as_view(), name="edition"),
    path("editions/<year:year>/classes/", frame.ClassListView.as_view(), name="classes"),
    path("classes/<id:pk>/", frame.ClassDetailView.as_view(), name="class"),
    path("editions/<year:year>/participants/", frame.ParticipantListView.as_view(), name="participants"),
    path("participants/<id:pk>/", frame.ParticipantDetailView.as_view(), name="participant"),
    path("editions/<year:year>/questions/", field.QuestionListView.as_view(), name="questions"),
    path("questions/<id:pk>/", field.QuestionDetailView.as_view(), name="question"),
    path("editions/<year:year>/conflicts/", field.ConflictListView.as_view(), name="conflicts"),
    path("conflicts/<id:pk>/", field.ConflictDetailView.as_view(), name="conflict"),
    path("editions/<year:year>/plan/", field.PlanView.as_view(), name="plan"),
    path("editions/<year:year>/standings/", results.StandingsView.as_view(), name="standings"),
    path("editions/<year:year>/scoring/", results.ScoringView.as_view(), name="scoring"),
    path("editions/<year:year>/rescorings/", results.RescoringView.as_view(), name="rescorings"),
    path("editions/<year:year>/imports/", imports.ImportListView.as_view(), name="imports"),
    path("imports/<id:pk>/", imports.ImportDetailView.as_view(), name="import"),
    path("imports/<id:pk>/confirm/", imports.ImportConfirmView.as_view(), name="import_confirm"),
    path("imports/<id:pk>/check/", imports.ImportCheckView.as_view(), name="import_check"),
    path("editions/<year:year>/publications/preview/", results.PreviewView.as_view(), name="publication_preview"),
    path("editions/<year:year>/publications/", results.PublicationListView.as_view(), name="publications"),
    path("publications/<id:pk>/", results.PublicationDetailView.as_view(), name="publication"),
]
