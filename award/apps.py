from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AwardConfig(AppConfig):
    name = "award"
    verbose_name = _("Award")

    def ready(self) -> None:
        from axes.signals import user_locked_out
        from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
        from django.db.backends.signals import connection_created

        from award import sqlite
        from award.accounts import receivers

        connection_created.connect(sqlite.install, dispatch_uid="award.sqlite.install")
        # The security log (award/accounts/receivers.py); axes, installed before this app, counts a failure first.
        user_logged_in.connect(receivers.logged_in, dispatch_uid="award.security.login")
        user_logged_out.connect(receivers.logged_out, dispatch_uid="award.security.logout")
        user_login_failed.connect(receivers.login_failed, dispatch_uid="award.security.login_failed")
        user_locked_out.connect(receivers.locked_out, dispatch_uid="award.security.lockout")
