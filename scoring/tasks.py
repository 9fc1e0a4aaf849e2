"""Thin Celery tasks: take ids, call one service. Idempotent and safe to run twice or late."""

from __future__ import annotations

from celery import shared_task

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
