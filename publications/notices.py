"""What publications have to say on an organiser's pages about an edition (award.admin_base.EDITION_NOTICES)."""

from __future__ import annotations

from django.urls import reverse
from django.utils import formats, timezone
from django.utils.html import format_html
from django.utils.translation import gettext as _

from award.models import Edition
from publications.models import PublicationKind
from publications.selectors import publication_latest


def final_out_of_date(edition: Edition) -> list[str]:
    """When contacts changed after the final results were published: the publication stands, a correction is due."""
    final = publication_latest(year=edition.year, kind=PublicationKind.FINAL)
    current = Edition.objects.filter(pk=edition.pk).values_list("data_version", flat=True).first()
    if final is None or current is None or current == final.data_version:
        return []
    when = formats.date_format(timezone.localtime(final.published_at), "DATETIME_FORMAT")
    return [
        format_html(
            '{} <a href="{}">{}</a>',
            _(
                "The contacts changed after the final results were published on %(when)s: the publication stands as it "
                "was, and no longer matches the data. Review the results and publish a correction."
            )
            % {"when": when},
            reverse("admin:publications_edition_publish", args=[edition.pk, PublicationKind.FINAL]),
            _("Publish a correction"),
        )
    ]
