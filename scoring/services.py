"""Rescoring: standings replaced wholesale from the stored contact scores."""

from __future__ import annotations

from django.db import connection, transaction
from django.db.models import F, Q
from django.utils import timezone

from award.models import Edition
from scoring.models import ScoringState
from scoring.points import question_points_refresh
from scoring.standings import standings_write


def edition_rescore(*, edition_id: int, force: bool = False) -> ScoringState:
    """Rescore one edition unless its standings already reflect its data version.

    The ScoringState row is locked for the whole run, so rescorings of one
    edition never overlap (docs/architecture.md); a burst of saves enqueues many tasks but
    every one after the first finds nothing to do, which is the coalescing.
    Writers bump Edition.data_version and never touch this row, so they are not
    held up by a running rescoring.
    """
    if not force:
        # Read without a lock (one query): a task runs after the commit that enqueued it, so when
        # this finds the standings current they reflect that commit; the tasks of a burst end here.
        current = ScoringState.objects.filter(edition_id=edition_id, scored_version__gte=F("edition__data_version")).first()
        if current is not None:
            return current
    outermost = not transaction.get_connection().in_atomic_block
    with transaction.atomic():
        if outermost and connection.vendor == "postgresql":
            # Standings are derived, and written with the version they reflect in this one transaction: a crash that
            # loses its commit loses both, and beat rescores the edition again. So the commit need not wait for the
            # disk (a publication, which rescores inside its own transaction, still does).
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL synchronous_commit = off")
        # The lock and, read after taking it, the edition: what we score is at least its version (one query).
        locked = ScoringState.objects.select_for_update(of=("self",)).select_related("edition")
        state = locked.filter(edition_id=edition_id).first()
        if state is None:
            ScoringState.objects.get_or_create(edition_id=edition_id)
            state = locked.get(edition_id=edition_id)
        edition = state.edition
        if not force and state.scored_version >= edition.data_version:
            return state
        standings_write(edition_id=edition.pk, min_contacts=edition.min_contacts_per_channel)
        question_points_refresh(edition_id=edition.pk)  # the changed participants' points per question, summed again
        state.scored_version = edition.data_version
        state.rescored_at = timezone.now()
        state.runs += 1
        state.save(update_fields=["scored_version", "rescored_at", "runs"])
        return state


def edition_is_stale(*, edition: Edition) -> bool:
    state = ScoringState.objects.filter(edition=edition).first()
    return state is None or state.scored_version < edition.data_version


def stale_edition_ids() -> list[int]:
    """Editions whose standings are behind their data (a lost or failed task)."""
    return list(
        Edition.objects.filter(
            Q(scoring_state__isnull=True) | Q(scoring_state__scored_version__lt=F("data_version"))
        ).values_list("pk", flat=True)
    )


def standings_refresh(*, edition: Edition) -> None:
    """Bring the edition's standings up to its data version when a rescoring is behind (a lost or pending task)."""
    if edition_is_stale(edition=edition):
        edition_rescore(edition_id=edition.pk)
