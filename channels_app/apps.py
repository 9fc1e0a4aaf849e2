from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ChannelsAppConfig(AppConfig):
    name = "channels_app"
    verbose_name = _("Channels and contacts")

    def ready(self) -> None:
        from award.signals import edition_opened
        from channels_app.receivers import wait_limits_for_a_new_edition

        edition_opened.connect(wait_limits_for_a_new_edition, dispatch_uid="channels_app.wait_limits_for_a_new_edition")
