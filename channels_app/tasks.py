"""Thin Celery tasks of the admin's import jobs: take the job's id, call one service. Idempotent and safe to run twice or late.

Each is enqueued with delay_on_commit by the admin (channels_app.admin_upload), once the job's row is committed.
"""

from __future__ import annotations

from celery import shared_task

from channels_app.import_jobs import STALLED_AFTER, import_job_check, import_job_run, import_jobs_repair

# Under STALLED_AFTER, so that a step too slow stops in the task (and is marked failed) before the repair gives it up.
SOFT_TIME_LIMIT = int(STALLED_AFTER.total_seconds() * 0.75)


@shared_task(acks_late=True, soft_time_limit=SOFT_TIME_LIMIT)
def check_import_job(job_id: int) -> str | None:
    """The dry run of an uploaded file; the job ends `checked`, `refused` or `failed`."""
    return import_job_check(job_id=job_id)


@shared_task(acks_late=True, soft_time_limit=SOFT_TIME_LIMIT)
def run_import_job(job_id: int) -> str | None:
    """The import of a confirmed file, all or nothing; the job ends `done` or `failed`."""
    return import_job_run(job_id=job_id)


@shared_task
def fail_stalled_import_jobs() -> list[int]:
    """Beat's repair: no job waits for ever on a task that was lost."""
    return import_jobs_repair()
