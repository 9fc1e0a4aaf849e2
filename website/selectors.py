"""Reads for the public pages beyond the publications themselves."""

from __future__ import annotations

from award.models import AwardClass


def class_slugs(*, year: int) -> dict[str, str]:
    """Class name -> slug of an edition, for the addresses of the class badges (one query)."""
    return dict(AwardClass.objects.filter(edition__year=year).values_list("name", "slug"))
