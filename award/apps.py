from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AwardConfig(AppConfig):
    name = "award"
    verbose_name = _("Award")

    def ready(self) -> None:
        from django.db.backends.signals import connection_created

        from award import sqlite

        connection_created.connect(sqlite.install, dispatch_uid="award.sqlite.install")
