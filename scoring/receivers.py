"""What scoring does when the data below it changes: connected in ScoringConfig.ready."""

from __future__ import annotations

from typing import Any

from award.enqueue import enqueue_on_commit
from scoring.points import points_backlog_note
from scoring.tasks import rescore_edition


def rescore_when_committed(*, edition_id: int, **kwargs: Any) -> None:
    """award.signals.edition_data_changed: one rescoring of the edition once the writing transaction commits.

    A rollback drops it; the many tasks of one burst of writes are coalesced by edition_rescore's data-version
    check; a broker that is down is logged, never an error for the save (award.enqueue).
    """
    enqueue_on_commit(rescore_edition, edition_id)


def note_points_when_changed(*, edition_id: int, participant_ids: list[int] | None = None, **kwargs: Any) -> None:
    """award.signals.edition_data_changed: the participants whose points the next rescoring sums again, noted in the
    writing transaction itself (scoring.points)."""
    points_backlog_note(edition_id=edition_id, participant_ids=participant_ids)
