"""/dashboard/...: the company views."""

from __future__ import annotations

from django.urls import path, register_converter

from award.models import Channel
from dashboard import views


class ChannelConverter:
    """Only the four channel codes match: anything else is a plain 404."""

    regex = "|".join(Channel.values)

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(ChannelConverter, "channel")

app_name = "dashboard"
urlpatterns = [
    path("", views.home, name="home"),
    path("<int:year>/", views.edition, name="year"),
    path("<int:year>/<int:participant_id>/", views.participant, name="participant"),
    path("<int:year>/<int:participant_id>/report/", views.report, name="report"),
    path("<int:year>/<int:participant_id>/contacts.csv", views.contacts_csv, name="contacts_csv"),
    path("<int:year>/<int:participant_id>/chart/<channel:channel>.svg", views.chart, name="chart"),
]
