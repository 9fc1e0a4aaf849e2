from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PublicationsConfig(AppConfig):
    name = "publications"
    verbose_name = _("Publications")

    def ready(self) -> None:
        from award.admin_base import EDITION_NOTICES
        from publications.notices import final_out_of_date

        if final_out_of_date not in EDITION_NOTICES:
            EDITION_NOTICES.append(final_out_of_date)
