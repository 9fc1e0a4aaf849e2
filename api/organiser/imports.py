"""/api/v1/organiser/: a contacts.csv imported as the admin's upload page imports it (channels_app.admin_upload): kept as
a job, checked by a task, imported all or nothing once its uploader confirms the check.

The upload is multipart/form-data, checked by the admin's own form (its size and its encoding); the steps are
channels_app.import_jobs', enqueued after the commit as the admin enqueues them. The imported contacts' history
names the API as their source.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db.models import QuerySet
from drf_spectacular.utils import OpenApiExample, OpenApiResponse, extend_schema
from rest_framework import exceptions, status
from rest_framework.parsers import MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response

from api.errors import field_errors
from api.organiser.base import ID, TAGS, YEAR, OrganiserView, Refused, created, edition_of, found, no_body
from api.organiser.result_serializers import ImportJobDetailSerializer, ImportJobSerializer, UploadSerializer
from api.schema import DETAIL
from audit.models import Source
from award.enqueue import enqueue_on_commit
from channels_app.admin_upload import UploadForm
from channels_app.bundle.format import BundleError, ImportSummary
from channels_app.import_jobs import (
    ImportJobNotYours,
    ImportJobRefused,
    import_job_confirm,
    import_job_create,
    import_job_progress,
    import_job_recheck,
)
from channels_app.models import ImportJob, ImportJobState
from channels_app.tasks import check_import_job, run_import_job

State = ImportJobState
JOB_EXAMPLE = {
    "id": 3,
    "year": 2021,
    "name": "contacts.csv",
    "size": 4120,
    "sha256": "3f1d" * 16,
    "state": "checked",
    "state_label": "Checked",
    "running": False,
    "uploaded_by": "organiser",
    "reason": "",
    "counts": {"new": 1, "changed": 1, "unchanged": 34, "judges": 1},
    "created_at": "2021-03-01T12:00:00+01:00",
    "checked_at": "2021-03-01T12:00:02+01:00",
    "confirmed_at": None,
    "finished_at": "2021-03-01T12:00:02+01:00",
    "progress": {"done": 4120, "total": 4120, "percent": 100},
}
REPORT_EXAMPLE = {
    "new_contacts": [{"line": 37, "ref": "P999"}],
    "changed_contacts": [{"line": 2, "ref": "P001", "changes": {"phone.greeting": [4, 5], "score": ["80.0000", "85.0000"]}}],
    "new_judges": ["newjudge"],
    "problems": [],
    "omitted": 0,
}
NOT_YOURS = OpenApiResponse(DETAIL, description="Only the organiser who uploaded the file confirms it or checks it again.")
NOT_NOW = OpenApiResponse(DETAIL, description="The job is not in a state for this step: nothing was done.")


def jobs() -> QuerySet[ImportJob]:
    return ImportJob.objects.select_related("edition")


def report(job: ImportJob) -> dict[str, Any] | None:
    """The report the admin's job page shows: the import's once it ran, else the check's; None while none is ready."""
    stored = job.import_report if job.state in (State.DONE, State.FAILED) and job.import_report else job.check_report
    empty: dict[str, Any] = {"new_contacts": [], "changed_contacts": [], "new_judges": [], "problems": [], "omitted": 0}
    if job.state in (State.CHECKED, State.DONE) and stored:
        summary = ImportSummary.from_json(stored)
        return empty | {
            "new_contacts": [{"line": line, "ref": ref} for line, ref in summary.new_contacts],
            "changed_contacts": [{"line": c.line, "ref": c.ref, "changes": c.changes} for c in summary.changed_contacts],
            "new_judges": summary.new_judges,
        }
    if job.state in (State.REFUSED, State.FAILED) and stored and "problems" in stored:
        error = BundleError.from_json(stored)
        return empty | {
            "problems": [{"line": p.line, "column": p.column, "reason": p.reason} for p in error.all()],
            "omitted": sum(error.omitted.values()),
        }
    return None


def job_document(job: ImportJob, *, with_report: bool) -> dict[str, Any]:
    progress = import_job_progress(job=job)
    document = {
        "id": job.pk,
        "year": job.edition.year,
        "name": job.name,
        "size": job.size,
        "sha256": job.sha256,
        "state": job.state,
        "state_label": job.get_state_display(),
        "running": job.running,
        "uploaded_by": job.uploaded_by_name,
        "reason": job.reason,
        "counts": job.counts or {},
        "created_at": job.created_at,
        "checked_at": job.checked_at,
        "confirmed_at": job.confirmed_at,
        "finished_at": job.finished_at,
        "progress": {"done": progress.done, "total": progress.total, "percent": progress.percent},
    }
    if with_report:
        document["report"] = report(job)
    return document


def detail(pk: int) -> Any:
    """The job as it is now (a step enqueued without a broker has already run)."""
    return ImportJobDetailSerializer(job_document(found(jobs(), pk), with_report=True)).data


class ImportListView(OrganiserView):
    parser_classes = [MultiPartParser]  # the upload is a file: this view's only body

    @extend_schema(
        operation_id="organiser_imports_list",
        summary="The import jobs of an edition",
        parameters=[YEAR],
        description="Every contacts.csv uploaded for the edition, by the API or the admin, newest first.",
        responses={200: ImportJobSerializer(many=True)},
        examples=[OpenApiExample("A checked file", value=JOB_EXAMPLE, response_only=True)],
        tags=TAGS,
    )
    def get(self, request: Request, year: int) -> Response:
        found_jobs = jobs().filter(edition=edition_of(year)).defer("check_report", "import_report", "message")
        page = self.paginate_queryset(found_jobs.order_by("-created_at", "-pk"))
        data = ImportJobSerializer([job_document(job, with_report=False) for job in page or []], many=True).data
        return self.get_paginated_response(data)

    @extend_schema(
        operation_id="organiser_imports_create",
        summary="Upload a contacts.csv",
        parameters=[YEAR],
        description=(
            "A contacts.csv of docs/bundle-format.md (UTF-8, at most 10 MB), as multipart/form-data with the file in "
            "`file`. It is kept as a job and checked by a task, which writes nothing: poll the job until it is not "
            "`running`, read its report, then confirm it to import. `reason` is required once the edition's final "
            "results are published, and kept in each changed contact's history."
        ),
        request={"multipart/form-data": UploadSerializer},
        responses={201: ImportJobDetailSerializer},
        examples=[
            OpenApiExample("Uploaded", value=JOB_EXAMPLE | {"report": REPORT_EXAMPLE}, response_only=True, status_codes=["201"]),
            OpenApiExample(
                "Not UTF-8",
                value={
                    "file": [
                        "The file is not UTF-8 text (line 3). Save it from your spreadsheet as “CSV UTF-8” and upload it again."
                    ]
                },
                response_only=True,
                status_codes=["400"],
            ),
        ],
        tags=TAGS,
    )
    def post(self, request: Request, year: int) -> Response:
        edition = edition_of(year)
        form = UploadForm({"edition": edition.pk, "reason": request.data.get("reason", "")}, request.FILES)
        if not form.is_valid():
            raise exceptions.ValidationError(
                field_errors({name: [str(reason) for reason in reasons] for name, reasons in form.errors.items()})
            )
        job = import_job_create(
            edition=edition,
            user=self.user(),
            name=form.cleaned_data["file"].name,
            content=form.content,
            reason=form.cleaned_data["reason"],
            source=Source.API,
        )
        enqueue_on_commit(check_import_job, job.pk)  # a broker that is down leaves the job waiting, never an error
        return created(request, detail(job.pk), "import", pk=job.pk)


class ImportDetailView(OrganiserView):
    @extend_schema(
        operation_id="organiser_imports_retrieve",
        summary="An import job and its report",
        parameters=[ID],
        description=(
            "Its state and the progress of the step under way; once the check has ended, what the import would do "
            "(new and changed contacts, new judge accounts) or why the file is refused (each problem with its line "
            "and column); once imported, what it did."
        ),
        responses={200: ImportJobDetailSerializer},
        examples=[OpenApiExample("Checked", value=JOB_EXAMPLE | {"report": REPORT_EXAMPLE}, response_only=True)],
        tags=TAGS,
    )
    def get(self, request: Request, pk: int) -> Response:
        return Response(detail(pk))


class ImportConfirmView(OrganiserView):
    @extend_schema(
        operation_id="organiser_imports_confirm",
        summary="Import a checked file",
        parameters=[ID],
        description=(
            "Only its uploader confirms it (the import writes their name and reason in every changed contact's "
            "history), once, within an hour of its check, and only when it changes something. Enqueues the "
            "import, all or nothing: poll the job until it is `done` or `failed`. No body."
        ),
        request=None,
        responses={202: ImportJobDetailSerializer, 403: NOT_YOURS, 409: NOT_NOW},
        examples=[
            OpenApiExample(
                "Importing",
                value=JOB_EXAMPLE | {"state": "confirmed", "report": REPORT_EXAMPLE},
                response_only=True,
                status_codes=["202"],
            ),
            OpenApiExample(
                "Done already",
                value={"detail": "This file cannot be imported now: it is “Imported”."},
                response_only=True,
                status_codes=["409"],
            ),
        ],
        tags=TAGS,
    )
    def post(self, request: Request, pk: int) -> Response:
        job = found(jobs(), pk)
        no_body(request)
        step(lambda: import_job_confirm(job=job, user=self.user()))
        enqueue_on_commit(run_import_job, job.pk)
        return Response(detail(pk), status=status.HTTP_202_ACCEPTED)


class ImportCheckView(OrganiserView):
    @extend_schema(
        operation_id="organiser_imports_check",
        summary="Check a file again",
        parameters=[ID],
        description=(
            "Against the data as it is now (a check more than an hour old must be made again before importing): "
            "only its uploader, and only a job checked, refused or failed. No body."
        ),
        request=None,
        responses={202: ImportJobDetailSerializer, 403: NOT_YOURS, 409: NOT_NOW},
        examples=[
            OpenApiExample(
                "Checking", value=JOB_EXAMPLE | {"state": "uploaded", "report": None}, response_only=True, status_codes=["202"]
            )
        ],
        tags=TAGS,
    )
    def post(self, request: Request, pk: int) -> Response:
        job = found(jobs(), pk)
        no_body(request)
        step(lambda: import_job_recheck(job=job, user=self.user()))
        enqueue_on_commit(check_import_job, job.pk)
        return Response(detail(pk), status=status.HTTP_202_ACCEPTED)


def step(take: Callable[[], None]) -> None:
    """A job's step, refused as the admin refuses it: 403 for another organiser's job, 409 when it cannot be taken now."""
    try:
        take()
    except ImportJobNotYours as not_yours:
        raise exceptions.PermissionDenied(not_yours.message) from None
    except ImportJobRefused as refused:
        raise Refused(refused.message) from None
