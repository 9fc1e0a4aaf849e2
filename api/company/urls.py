"""/api/v1/company/: each address takes a participant's id (the `id` converter: too large an id is a 404, never an
overflow), named participant_id as on the dashboard's pages."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver, path

from api.company import views

app_name = "company"
urlpatterns: list[URLPattern | URLResolver] = [
    path("participants/", views.ParticipantList.as_view(), name="participants"),
    path("participants/<id:participant_id>/dashboard/", views.ParticipantDashboard.as_view(), name="dashboard"),
    path("participants/<id:participant_id>/contacts/", views.ParticipantContacts.as_view(), name="contacts"),
]
