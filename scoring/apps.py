from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ScoringConfig(AppConfig):
    name = "scoring"
    verbose_name = _("Scoring")

    def ready(self) -> None:
        from award.signals import edition_data_changed
        from scoring.receivers import note_points_when_changed, rescore_when_committed

        edition_data_changed.connect(note_points_when_changed, dispatch_uid="scoring.note_points_when_changed")
        edition_data_changed.connect(rescore_when_committed, dispatch_uid="scoring.rescore_when_committed")
