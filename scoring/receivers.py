"""What scoring does when the data below it changes: connected in ScoringConfig.ready."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

from scoring.tasks import rescore_edition

if TYPE_CHECKING:
    from celery.contrib.django.task import DjangoTask


def rescore_when_committed(*, edition_id: int, **kwargs: Any) -> None:
    """award.signals.edition_data_changed: one rescoring of the edition once the writing transaction commits.

    Celery's delay_on_commit drops it with a rollback; the many tasks of one burst of
    writes are coalesced by edition_rescore's data-version check.
    """
    # Celery's Django fixup makes DjangoTask every task's base class; the stubs' shared_task says Task.
    cast("DjangoTask[[int], int]", rescore_edition).delay_on_commit(edition_id)
