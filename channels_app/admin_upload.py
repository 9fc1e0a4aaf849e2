"""Uploading a contacts.csv in the admin as an import job: the file is kept, checked by a task, imported on confirmation.

Only organisers upload, see and confirm jobs (each organiser sees everyone's); only
the organiser who uploaded a file confirms it, since the import writes their name
and reason into every changed contact's history. The form stores the file
(channels_app.import_jobs) and enqueues its check; the job's page shows the
progress (polled by channels_app/static/channels_app/import_job.js), then the
check's report with the Confirm button, then the import's outcome.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial
from typing import TYPE_CHECKING, Any

from django import forms
from django.contrib import messages
from django.contrib.admin import ModelAdmin
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import get_object_or_404
from django.template.defaultfilters import filesizeformat
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_POST

from audit.admin import FieldChange, HistoryMixin
from award.admin_base import request_user
from award.enqueue import enqueue_on_commit
from award.models import Edition
from award.selectors import user_is_organiser
from channels_app.bundle.format import WHOLE_ROW, BundleError, ImportSummary, Problem
from channels_app.import_jobs import (
    ImportJobNotYours,
    ImportJobRefused,
    check_is_stale,
    import_job_confirm,
    import_job_create,
    import_job_progress,
    import_job_recheck,
    import_jobs_recent,
)
from channels_app.models import Contact, ImportJob, ImportJobState
from channels_app.tasks import check_import_job, run_import_job

if TYPE_CHECKING:
    pass

MAX_UPLOAD_BYTES = 10 * 1024 * 1024  # ~50,000 contacts with every question column: ten years of the award
TEMPLATE = "admin/channels_app/contact/upload.html"
JOB_TEMPLATE = "admin/channels_app/contact/upload_job.html"

State = ImportJobState


class UploadForm(forms.Form):
    edition = forms.ModelChoiceField(queryset=Edition.objects.order_by("-year"), empty_label=None, label=gettext_lazy("Edition"))
    file = forms.FileField(label=gettext_lazy("contacts.csv"))
    reason = forms.CharField(
        label=gettext_lazy("Reason for the changes"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=gettext_lazy(
            "Required once the edition's final results are published; kept in each changed contact's history."
        ),
    )
    content: bytes = b""  # the file's bytes, once clean

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["file"].help_text = _(
            "UTF-8, comma-separated, with a header row, as in the bundle format; at most %(max)s."
        ) % {"max": filesizeformat(MAX_UPLOAD_BYTES)}

    def clean_file(self) -> UploadedFile:
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD_BYTES:
            raise ValidationError(
                _("The file is larger than %(max)s, the most that can be uploaded: split it into several files.")
                % {"max": filesizeformat(MAX_UPLOAD_BYTES)}
            )
        content = b"".join(upload.chunks())
        try:
            content.decode("utf-8-sig")
        except UnicodeDecodeError as error:
            line = content[: error.start].count(b"\n") + 1
            raise ValidationError(
                _("The file is not UTF-8 text (line %(line)s). Save it from your spreadsheet as “CSV UTF-8” and upload it again.")
                % {"line": line}
            ) from None
        self.content = content
        return upload


# What the pages show --------------------------------------------------------------------


def problem_rows(error: BundleError) -> list[Problem]:
    """The import's problems as the table shows them: a whole row's named in the reader's language."""
    return [
        Problem(problem.line, _("(whole row)") if problem.column == WHOLE_ROW else problem.column, problem.reason)
        for problem in error.all()
    ]


def contacts_text(counts: dict[str, Any]) -> str:
    """E.g. "1 new contact, 3 changed contacts, 34 unchanged contacts"."""
    new, changed, unchanged = (int(counts.get(key, 0)) for key in ("new", "changed", "unchanged"))
    return ", ".join(
        [
            ngettext("%(n)s new contact", "%(n)s new contacts", new) % {"n": new},
            ngettext("%(n)s changed contact", "%(n)s changed contacts", changed) % {"n": changed},
            ngettext("%(n)s unchanged contact", "%(n)s unchanged contacts", unchanged) % {"n": unchanged},
        ]
    )


def problems_text(counts: dict[str, Any]) -> str:
    """E.g. "5 bad rows, 9 problems": rows as BundleError.bad_rows counts them, a row with two problems being one."""
    rows, found = int(counts.get("bad_rows", 0)), int(counts.get("problems", 0))
    problems = ngettext("%(n)s problem", "%(n)s problems", found) % {"n": found}
    if not rows:
        return problems  # the header's, or the file's as a whole
    bad_rows = ngettext("%(n)s bad row", "%(n)s bad rows", rows) % {"n": rows}
    return _("%(rows)s, %(problems)s") % {"rows": bad_rows, "problems": problems}


def job_result(job: ImportJob) -> str:
    """One line for the list of jobs: what the last step found."""
    if job.state in (State.CHECKED, State.DONE):
        return contacts_text(job.counts)
    if "problems" in job.counts:
        return problems_text(job.counts)
    if job.state == State.FAILED:
        return _("stopped on an error")
    return ""


@dataclass(frozen=True)
class ChangedContact:
    line: int
    ref: str
    changes: list[FieldChange]


def _changed_contacts(summary: ImportSummary, model_admin: ModelAdmin[Contact]) -> list[ChangedContact]:
    """Each changed contact's fields from → to, named and shown as the contact's history shows them."""

    def label(key: str) -> str:
        return model_admin.history_field_label(key) if isinstance(model_admin, HistoryMixin) else key

    def shown(key: str, value: Any) -> str:
        return model_admin.history_field_value(key, value) if isinstance(model_admin, HistoryMixin) else str(value)

    return [
        ChangedContact(
            change.line,
            change.ref,
            [FieldChange(label(key), shown(key, old), shown(key, new)) for key, (old, new) in sorted(change.changes.items())],
        )
        for change in summary.changed_contacts
    ]


def _summary_context(summary: ImportSummary, model_admin: ModelAdmin[Contact]) -> dict[str, Any]:
    new, changed = summary.count("contacts", "created"), summary.count("contacts", "updated")
    unchanged = summary.count("contacts", "unchanged")
    return {
        "summary_counts": {"new": new, "changed": changed, "unchanged": unchanged},
        "summary_text": contacts_text({"new": new, "changed": changed, "unchanged": unchanged}),
        "to_import": new + changed,
        "new_contacts": summary.new_contacts,
        "new_contacts_more": new - len(summary.new_contacts),
        "changed_contacts": _changed_contacts(summary, model_admin),
        "changed_contacts_more": changed - len(summary.changed_contacts),
        "new_judges": summary.new_judges,
    }


def _error_context(error: BundleError) -> dict[str, Any]:
    omitted = sum(error.omitted.values())
    counts = {"bad_rows": error.bad_rows(), "problems": len(error.all()) + omitted}
    return {
        "problems": problem_rows(error),
        "bad_rows": counts["bad_rows"],
        "problems_text": problems_text(counts),
        "omitted": omitted,
    }


# The pages ----------------------------------------------------------------------------------


def upload_paths(model_admin: ModelAdmin[Contact]) -> list[URLPattern]:
    """ContactAdmin.get_urls' routes, under contact/upload/: the form and the jobs, a job, its JSON status, its steps."""

    def view(function: Any) -> Any:
        return model_admin.admin_site.admin_view(partial(function, model_admin=model_admin))

    return [
        path("upload/", view(upload_view), name="channels_app_contact_upload"),
        path("upload/<int:job_id>/", view(job_view), name="channels_app_contact_upload_job"),
        path("upload/<int:job_id>/status/", view(job_status_view), name="channels_app_contact_upload_status"),
        path("upload/<int:job_id>/confirm/", view(job_confirm_view), name="channels_app_contact_upload_confirm"),
        path("upload/<int:job_id>/check/", view(job_recheck_view), name="channels_app_contact_upload_recheck"),
    ]


def _organisers_only(request: HttpRequest) -> None:
    if not user_is_organiser(request.user):
        raise PermissionDenied


def _job_url(job_id: int) -> str:
    return reverse("admin:channels_app_contact_upload_job", args=[job_id])


def _enqueue(task: Any, job_id: int) -> None:
    enqueue_on_commit(task, job_id)  # a broker that is down leaves the job queued, never an error for the upload


def upload_view(request: HttpRequest, model_admin: ModelAdmin[Contact]) -> HttpResponse:
    """GET: the form and the latest jobs. POST: keep the file as a job, enqueue its check, go to the job's page."""
    _organisers_only(request)
    if request.method == "POST":
        form = UploadForm(request.POST, request.FILES)
        if form.is_valid():
            job = import_job_create(
                edition=form.cleaned_data["edition"],
                user=request_user(request),
                name=form.cleaned_data["file"].name,
                content=form.content,
                reason=form.cleaned_data["reason"],
            )
            _enqueue(check_import_job, job.pk)
            return HttpResponseRedirect(_job_url(job.pk))
    else:
        form = UploadForm(initial={"edition": Edition.objects.order_by("-year").first()})
    jobs = [(job, job_result(job)) for job in import_jobs_recent()]
    context = {"form": form, "jobs": jobs, "title": _("Upload contacts")}
    return TemplateResponse(request, TEMPLATE, _admin_context(request, model_admin) | context)


def job_view(request: HttpRequest, model_admin: ModelAdmin[Contact], job_id: int) -> HttpResponse:
    """A job's page: its file, its progress while a task runs, then the check's or the import's report."""
    _organisers_only(request)
    return _render_job(request, model_admin, get_object_or_404(ImportJob.objects.select_related("edition"), pk=job_id))


def job_status_view(request: HttpRequest, model_admin: ModelAdmin[Contact], job_id: int) -> JsonResponse:
    """The job's state and progress, for import_job.js: the row's state, the cache's bytes while a task reads the file."""
    _organisers_only(request)
    job = get_object_or_404(ImportJob.objects.defer("check_report", "import_report"), pk=job_id)
    progress = import_job_progress(job=job)
    return JsonResponse(
        {
            "state": job.state,
            "state_label": job.get_state_display(),
            "running": job.running,
            "bytes_done": progress.done,
            "bytes_total": progress.total,
            "percent": progress.percent,
            "progress_text": _("%(percent)s%%") % {"percent": progress.percent},
        }
    )


@require_POST
def job_confirm_view(request: HttpRequest, model_admin: ModelAdmin[Contact], job_id: int) -> HttpResponse:
    """Confirm a checked job: enqueue its import (409 and nothing done when it is not checked, or already confirmed)."""
    _organisers_only(request)
    job = get_object_or_404(ImportJob, pk=job_id)
    try:
        import_job_confirm(job=job, user=request_user(request))
    except ImportJobRefused as refused:
        return _refused(request, model_admin, job_id, refused)
    _enqueue(run_import_job, job.pk)
    return HttpResponseRedirect(_job_url(job.pk))


@require_POST
def job_recheck_view(request: HttpRequest, model_admin: ModelAdmin[Contact], job_id: int) -> HttpResponse:
    """Check a job's file again, against today's data."""
    _organisers_only(request)
    job = get_object_or_404(ImportJob, pk=job_id)
    try:
        import_job_recheck(job=job, user=request_user(request))
    except ImportJobRefused as refused:
        return _refused(request, model_admin, job_id, refused)
    _enqueue(check_import_job, job.pk)
    return HttpResponseRedirect(_job_url(job.pk))


def _refused(request: HttpRequest, model_admin: ModelAdmin[Contact], job_id: int, refused: ImportJobRefused) -> HttpResponse:
    messages.error(request, refused.message)
    job = ImportJob.objects.select_related("edition").get(pk=job_id)
    return _render_job(request, model_admin, job, status=403 if isinstance(refused, ImportJobNotYours) else 409)


def _render_job(request: HttpRequest, model_admin: ModelAdmin[Contact], job: ImportJob, *, status: int = 200) -> HttpResponse:
    progress = import_job_progress(job=job)
    mine = job.uploaded_by_id == request.user.pk
    context: dict[str, Any] = {
        "title": _("Import of %(file)s") % {"file": job.name},
        "job": job,
        "progress": progress,
        "progress_text": _("%(percent)s%%") % {"percent": progress.percent},
        "status_url": reverse("admin:channels_app_contact_upload_status", args=[job.pk]),
        "confirm_url": reverse("admin:channels_app_contact_upload_confirm", args=[job.pk]),
        "recheck_url": reverse("admin:channels_app_contact_upload_recheck", args=[job.pk]),
        "upload_url": reverse("admin:channels_app_contact_upload"),
        "mine": mine,
        "may_recheck": mine and job.state in (State.CHECKED, State.REFUSED, State.FAILED),
    }
    report = job.import_report if job.state in (State.DONE, State.FAILED) and job.import_report else job.check_report
    if job.state in (State.CHECKED, State.DONE) and report:
        context |= _summary_context(ImportSummary.from_json(report), model_admin)
    elif job.state in (State.REFUSED, State.FAILED) and report and "problems" in report:
        context |= _error_context(BundleError.from_json(report))
    if job.state == State.CHECKED:
        context["stale"] = check_is_stale(job)
        context["may_confirm"] = mine and context.get("to_import", 0) > 0 and not context["stale"]
    if job.state == State.DONE:
        context["contacts_url"] = (
            reverse("admin:channels_app_contact_changelist") + "?" + urlencode({"edition__id__exact": job.edition_id})
        )
    # Which step failed: the check (never confirmed) or the import.
    context["failed_importing"] = job.state == State.FAILED and job.confirmed_at is not None
    return TemplateResponse(request, JOB_TEMPLATE, _admin_context(request, model_admin) | context, status=status)


def _admin_context(request: HttpRequest, model_admin: ModelAdmin[Contact]) -> dict[str, Any]:
    return {**model_admin.admin_site.each_context(request), "opts": model_admin.model._meta}
