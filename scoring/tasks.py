"""Thin Celery tasks: take ids, call one service. Idempotent and safe to run twice or late."""

from __future__ import annotations

from celery import shared_task
from django.db import transaction

from scoring.services import edition_rescore, stale_edition_ids


@shared_task(acks_late=True)
def rescore_edition(edition_id: int) -> int:
    return edition_rescore(edition_id=edition_id).scored_version


@shared_task
def rescore_stale_editions() -> list[int]:
    """Beat's repair: rescore whatever a lost or failed task left behind."""
    edition_ids = stale_edition_ids()
    for edition_id in edition_ids:
        rescore_edition.delay(edition_id)
    return edition_ids


def enqueue_rescore(edition_id: int) -> None:
    """Enqueue one rescoring of the edition when the current transaction commits.

    A transaction that writes a thousand contacts enqueues it once: a callback
    already waiting for this edition's commit is enough (Django drops waiting
    callbacks on rollback, so the check never loses one).
    """
    if rescore_pending(edition_id):
        return

    def enqueue() -> None:
        enqueue.done = True  # type: ignore[attr-defined]
        rescore_edition.delay(edition_id)

    enqueue.rescore_edition_id, enqueue.done = edition_id, False  # type: ignore[attr-defined]
    transaction.on_commit(enqueue)


def rescore_pending(edition_id: int) -> bool:
    """Whether the current transaction already waits to enqueue a rescoring of the edition."""
    connection = transaction.get_connection()
    if not connection.in_atomic_block:
        return False
    return any(
        getattr(callback, "rescore_edition_id", None) == edition_id and not callback.done
        for _, callback, _ in connection.run_on_commit
    )
