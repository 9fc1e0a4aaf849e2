"""/dashboard/...: the company dashboard (award.dashboard)."""

from __future__ import annotations

from django.urls import path, register_converter

from award import dashboard
from award.models import Channel


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
    path("", dashboard.home, name="home"),
    path("<int:year>/", dashboard.edition, name="year"),
    path("<int:year>/<int:participant_id>/", dashboard.participant, name="participant"),
    path("<int:year>/<int:participant_id>/report/", dashboard.report, name="report"),
    path("<int:year>/<int:participant_id>/contacts.csv", dashboard.contacts_csv, name="contacts_csv"),
    path("<int:year>/<int:participant_id>/chart/<channel:channel>.svg", dashboard.chart, name="chart"),
]
