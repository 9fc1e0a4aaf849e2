"""The admin's import jobs: a contacts.csv kept in private storage, checked by a dry run, imported on confirmation.

The steps run in Celery tasks (channels_app.tasks), which call these services by
the job's id; each step claims the job with a conditional UPDATE, so a task run
twice or late does nothing, and whatever goes wrong leaves the job `failed` with
a message, never `checking` or `importing` for ever. The import itself is
channels_app.bundle.importer's, all or nothing, as from the command line.

Progress goes to the cache, not to the job's row: the import runs in one
transaction, and what it writes to the row is seen by nobody until it commits.
"""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass
from datetime import timedelta
from typing import Any, BinaryIO, cast

from django.conf import settings
from django.contrib.auth.models import User
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from audit.models import Source
from award.models import Edition
from channels_app.bundle.format import BundleError, ImportSummary
from channels_app.bundle.importer import import_contacts_stream
from channels_app.models import ImportJob, ImportJobState

logger = logging.getLogger(__name__)

CHECK_VALID_FOR = timedelta(hours=1)  # a check older than this is done again before an import: the data may have moved
STALLED_AFTER = timedelta(hours=1)  # a step not finished by then has lost its worker (a 10 MB file takes a minute or two)
PROGRESS_TIMEOUT = 24 * 60 * 60  # seconds the cache keeps a step's progress
RECENT_JOBS = 20  # jobs listed under the upload form

State = ImportJobState


class ImportJobRefused(Exception):
    """A step asked of a job in the wrong state, or by the wrong person: nothing was done."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class ImportJobNotYours(ImportJobRefused):
    """A step of someone else's job that only its uploader may ask for."""


# Reads --------------------------------------------------------------------------------


def import_jobs_recent(*, limit: int = RECENT_JOBS) -> QuerySet[ImportJob]:
    """The latest jobs of every organiser, without their reports (the list shows the counts only)."""
    return ImportJob.objects.select_related("edition").defer("check_report", "import_report", "message")[:limit]


@dataclass(frozen=True)
class Progress:
    done: int
    total: int

    @property
    def percent(self) -> int:
        if self.total <= 0:
            return 0
        return min(100, self.done * 100 // self.total)


def _progress_key(job_id: int, state: str) -> str:
    return f"channels_app:import-job:{job_id}:{state}:progress"


def import_job_progress(*, job: ImportJob) -> Progress:
    """How far the job's current step has come: the row's bytes, or the cache's while a task reads the file."""
    if job.state in (State.CHECKING, State.IMPORTING):
        try:
            cached = cache.get(_progress_key(job.pk, job.state))
        except Exception:  # the cache is down: the row's value will do
            logger.warning("import job %s: the cache cannot be read for its progress", job.pk, exc_info=True)
            cached = None
        if isinstance(cached, list | tuple) and len(cached) == 2:
            return Progress(int(cached[0]), int(cached[1]))
    return Progress(job.bytes_done, job.bytes_total or job.size)


def _progress_store(job_id: int, state: str, done: int, total: int) -> None:
    """The importer's progress callback (once a batch of rows): to the cache, which every process reads."""
    try:
        cache.set(_progress_key(job_id, state), (done, total), timeout=PROGRESS_TIMEOUT)
    except Exception:  # the progress is only a courtesy: the step goes on
        logger.warning("import job %s: the cache cannot be written with its progress", job_id, exc_info=True)


def _progress_forget(job_id: int, state: str) -> None:
    try:
        cache.delete(_progress_key(job_id, state))
    except Exception:
        logger.warning("import job %s: the cache cannot be cleared of its progress", job_id, exc_info=True)


def summary_counts(summary: ImportSummary) -> dict[str, int]:
    return {
        "new": summary.count("contacts", "created"),
        "changed": summary.count("contacts", "updated"),
        "unchanged": summary.count("contacts", "unchanged"),
        "judges": len(summary.new_judges),
    }


def error_counts(error: BundleError) -> dict[str, int]:
    return {
        "bad_rows": error.bad_rows(),
        "problems": len(error.all()) + sum(error.omitted.values()),
        "omitted": sum(error.omitted.values()),
    }


def _move(job_id: int, states: list[str], **fields: Any) -> bool:
    """Move a job on from one of these states in one conditional UPDATE (a step run twice or late finds it moved on)."""
    return bool(ImportJob.objects.filter(pk=job_id, state__in=states).update(**fields, updated_at=timezone.now()))


def check_is_stale(job: ImportJob) -> bool:
    """Whether the check is too old to import on: contacts may have changed since."""
    return job.checked_at is None or timezone.now() - job.checked_at > CHECK_VALID_FOR


# Steps asked for in the admin --------------------------------------------------------------


def import_job_create(
    *,
    edition: Edition,
    user: User,
    name: str,
    content: bytes,
    reason: str = "",
    language: str = "",
    source: Source = Source.ADMIN,
) -> ImportJob:
    """Keep an uploaded contacts.csv in the default storage as a new job, waiting for its check (enqueue it after commit).

    The reports are written in `language` (the uploader's; the active one when not given), wherever the task runs;
    the imported contacts' history names `source`, the way the file came in (the admin's page, or the API).
    """
    job = ImportJob(
        source=source,
        language=language or translation.get_language() or settings.LANGUAGE_CODE,
        name=name[:255],
        size=len(content),
        sha256=hashlib.sha256(content).hexdigest(),
        edition=edition,
        uploaded_by=user,
        uploaded_by_name=user.get_username(),
        reason=reason,
        bytes_total=len(content),
    )
    with transaction.atomic():
        job.file.save(name, ContentFile(content), save=False)
        job.save()
    return job


def _may_act(job: ImportJob, user: User) -> None:
    # The confirmation imports with the uploader's name and reason in every contact's history: it is theirs to give.
    if job.uploaded_by_id != user.pk:
        raise ImportJobNotYours(
            _("Only %(name)s, who uploaded this file, can confirm it or check it again.") % {"name": job.uploaded_by_name}
        )


def import_job_confirm(*, job: ImportJob, user: User) -> None:
    """Confirm a checked job that changes something, once: enqueue the import after commit. Raise ImportJobRefused."""
    _may_act(job, user)
    if job.state != State.CHECKED:
        raise ImportJobRefused(_("This file cannot be imported now: it is “%(state)s”.") % {"state": job.get_state_display()})
    if not job.changes_anything:
        raise ImportJobRefused(_("Nothing to import: every contact in the file matches what is stored."))
    if check_is_stale(job):
        raise ImportJobRefused(_("This check is more than an hour old: check the file again before importing it."))
    # Conditional, so that two confirmations at once make one import.
    if not _move(job.pk, [State.CHECKED], state=State.CONFIRMED, confirmed_at=timezone.now(), bytes_done=0):
        raise ImportJobRefused(_("This file has already been confirmed."))


def import_job_recheck(*, job: ImportJob, user: User) -> None:
    """Check a job's file again (the data may have changed since): enqueue the check after commit. Raise ImportJobRefused."""
    _may_act(job, user)
    claimed = _move(
        job.pk,
        [State.CHECKED, State.REFUSED, State.FAILED],
        state=State.UPLOADED,
        check_report=None,
        import_report=None,
        counts={},
        message="",
        bytes_done=0,
        checked_at=None,
        confirmed_at=None,
        started_at=None,
        finished_at=None,
    )
    if not claimed:
        state = job.get_state_display()
        raise ImportJobRefused(_("This file cannot be checked again now: it is “%(state)s”.") % {"state": state})


# Steps run by the tasks ---------------------------------------------------------------------


def _failed(job_id: int, states: list[str], error: BaseException) -> None:
    logger.exception("import job %s failed", job_id, exc_info=error)
    try:
        _move(job_id, states, state=State.FAILED, message=f"{type(error).__name__}: {error}"[:2000], finished_at=timezone.now())
    except Exception:  # the database is gone too: the repair (import_jobs_repair) will mark it
        logger.exception("import job %s could not be marked failed", job_id)


def _import_file(job: ImportJob, *, dry_run: bool) -> ImportSummary:
    """The job's file through the import (or its dry run), in the uploader's language, its progress to the cache."""
    state = State.CHECKING if dry_run else State.IMPORTING
    with translation.override(job.language), job.file.storage.open(job.file.name, "rb") as stream:
        return import_contacts_stream(
            edition=job.edition,
            stream=cast(BinaryIO, stream),
            total_bytes=job.size,
            user=job.uploaded_by,
            source=Source(job.source),
            reason=job.reason,
            dry_run=dry_run,
            progress=lambda done, total: _progress_store(job.pk, state, done, total),
        )


def import_job_check(*, job_id: int) -> str | None:
    """The dry run of a waiting job: its report, and `checked` or `refused`. Return the state reached, or None if no job ran.

    A check writes nothing, so a check found `checking` (its worker was lost, the
    task came again) runs again.
    """
    if not _move(job_id, [State.UPLOADED, State.CHECKING], state=State.CHECKING, started_at=timezone.now(), bytes_done=0):
        return None
    try:
        job = ImportJob.objects.select_related("edition", "uploaded_by").get(pk=job_id)
        fields: dict[str, Any]
        try:
            summary = _import_file(job, dry_run=True)
        except BundleError as error:
            fields = {"state": State.REFUSED, "check_report": error.as_json(), "counts": error_counts(error)}
        else:
            fields = {"state": State.CHECKED, "check_report": summary.as_json(), "counts": summary_counts(summary)}
        now = timezone.now()
        # Conditional: a repair that gave the job up meanwhile keeps the last word.
        _move(job_id, [State.CHECKING], **fields, bytes_done=job.size, checked_at=now, finished_at=now)
        return str(fields["state"])
    except Exception as error:
        _failed(job_id, [State.CHECKING], error)
        return State.FAILED
    finally:
        _progress_forget(job_id, State.CHECKING)


def import_job_run(*, job_id: int) -> str | None:
    """The import of a confirmed job, all or nothing, with `done` or `failed` written in the same transaction.

    Return the state reached, or None if no job ran. The job's row stays locked
    while it imports: a second task for the same job waits, then finds it finished.
    """
    claimed = _move(job_id, [State.CONFIRMED], state=State.IMPORTING, started_at=timezone.now(), bytes_done=0)
    if not claimed and not ImportJob.objects.filter(pk=job_id, state=State.IMPORTING).exists():
        return None  # done, failed, or never confirmed
    try:
        with transaction.atomic():
            job = ImportJob.objects.select_for_update().get(pk=job_id)
            if job.state != State.IMPORTING:
                return None  # another task for it finished while this one waited for the lock
            try:
                summary = _import_file(job, dry_run=False)
            except BundleError as error:
                # Since the check the data changed (a judge's edit, a conflict, a final publication); nothing was written.
                job.state, job.import_report, job.counts = State.FAILED, error.as_json(), error_counts(error)
            else:
                job.state, job.import_report, job.counts = State.DONE, summary.as_json(), summary_counts(summary)
            job.bytes_done = job.size
            job.finished_at = timezone.now()
            job.save(update_fields=["state", "import_report", "counts", "bytes_done", "finished_at", "updated_at"])
        return job.state
    except Exception as error:
        _failed(job_id, [State.IMPORTING], error)
        return State.FAILED
    finally:
        _progress_forget(job_id, State.IMPORTING)


def import_jobs_repair() -> list[int]:
    """Beat's repair: fail the jobs whose task was lost (a worker killed, a broker down), so that none waits for ever."""
    now = timezone.now()
    limit = now - STALLED_AFTER
    stalled = Q(state__in=[State.UPLOADED, State.CONFIRMED], updated_at__lt=limit) | Q(
        state__in=[State.CHECKING, State.IMPORTING], started_at__lt=limit
    )
    job_ids = list(ImportJob.objects.filter(stalled).values_list("pk", flat=True))
    if job_ids:
        # The same condition in the UPDATE: a step that ends meanwhile keeps its result (an import holds the row's lock).
        ImportJob.objects.filter(stalled, pk__in=job_ids).update(
            state=State.FAILED,
            message=_("Stopped without finishing: no worker took the job, or finished it, within an hour."),
            finished_at=now,
            updated_at=now,
        )
        logger.warning("import jobs given up as lost: %s", job_ids)
    return job_ids
