"""Uploading a contacts.csv in the admin: a check (the real import, rolled back), then the import on confirmation.

Only organisers upload. Between the check and the confirmation the file's bytes
wait in the cache (Redis in production, so any web process can take the
confirmation), under a random token bound to the user who checked it, with its
SHA-256; the confirmation carries only the token, never the file. The import
itself is channels_app.bundle.importer's, all or nothing, as from the command line.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from functools import partial
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.admin import ModelAdmin
from django.contrib.auth.models import User
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.defaultfilters import filesizeformat
from django.template.response import TemplateResponse
from django.urls import URLPattern, path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from audit.models import Source
from award.admin_base import request_user
from award.models import Edition
from award.selectors import user_is_organiser
from channels_app.bundle.format import WHOLE_ROW, BundleError, ImportSummary, Problem
from channels_app.bundle.importer import import_contacts_content
from channels_app.models import Contact

MAX_UPLOAD_BYTES = 10 * 1024 * 1024  # ~50,000 contacts with every question column: ten years of the award
UPLOAD_TIMEOUT = 60 * 60  # seconds a checked file waits for its confirmation
CACHE_PREFIX = "contacts-upload"
TOKEN = re.compile(r"^[A-Za-z0-9_-]{20,100}$")
TEMPLATE = "admin/channels_app/contact/upload.html"


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
        content = upload.read()
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


def problem_rows(error: BundleError) -> list[Problem]:
    """The import's problems as the table shows them: a whole row's named in the reader's language."""
    return [
        Problem(problem.line, _("(whole row)") if problem.column == WHOLE_ROW else problem.column, problem.reason)
        for problem in error.all()
    ]


def counts(summary: ImportSummary) -> dict[str, int]:
    return {
        "new": summary.count("contacts", "created"),
        "changed": summary.count("contacts", "updated"),
        "unchanged": summary.count("contacts", "unchanged"),
    }


# The checked file, waiting for its confirmation ------------------------------------


def _cache_key(user: User, token: str) -> str:
    # The user is part of the key: another user's token finds nothing.
    return f"{CACHE_PREFIX}:{user.pk}:{token}"


def checked_file_keep(*, user: User, edition: Edition, name: str, content: bytes, reason: str = "") -> str:
    """Keep a checked file for an hour; return the token that names it."""
    token = secrets.token_urlsafe(32)
    cache.set(
        _cache_key(user, token),
        {
            "user_id": user.pk,
            "edition_id": edition.pk,
            "name": name,
            "content": content,
            "sha256": hashlib.sha256(content).hexdigest(),
            "reason": reason,
        },
        timeout=UPLOAD_TIMEOUT,
    )
    return token


def checked_file_get(*, user: User, token: str) -> dict[str, Any] | None:
    """The user's checked file under this token, or None (expired, unknown, someone else's, or damaged)."""
    if not TOKEN.match(token):
        return None
    kept = cache.get(_cache_key(user, token))
    if not isinstance(kept, dict) or kept.get("user_id") != user.pk:
        return None
    if hashlib.sha256(kept["content"]).hexdigest() != kept["sha256"]:
        return None
    return kept


def checked_file_forget(*, user: User, token: str) -> None:
    cache.delete(_cache_key(user, token))


# The page -----------------------------------------------------------------------


def upload_path(model_admin: ModelAdmin[Contact]) -> URLPattern:
    """ContactAdmin.get_urls' route to the page: `admin:channels_app_contact_upload`, at contact/upload/."""
    view = model_admin.admin_site.admin_view(partial(upload_view, model_admin=model_admin))
    return path("upload/", view, name="channels_app_contact_upload")


def upload_view(request: HttpRequest, model_admin: ModelAdmin[Contact]) -> HttpResponse:
    """GET: the form. POST "check": the dry run's report. POST "token": the import of the checked file."""
    if not user_is_organiser(request.user):
        raise PermissionDenied
    if request.method == "POST" and "token" in request.POST:
        return _confirm(request, model_admin)
    if request.method == "POST":
        form = UploadForm(request.POST, request.FILES)
    else:
        form = UploadForm(initial={"edition": Edition.objects.order_by("-year").first()})
    context: dict[str, Any] = {}
    if form.is_valid():
        edition, name, content = form.cleaned_data["edition"], form.cleaned_data["file"].name, form.content
        reason = form.cleaned_data["reason"]
        context |= {
            "edition": edition,
            "file_name": name,
            "file_size": len(content),
            "sha256": hashlib.sha256(content).hexdigest(),
        }
        try:
            summary = import_contacts_content(
                edition=edition, content=content, user=request_user(request), source=Source.ADMIN, dry_run=True, reason=reason
            )
        except BundleError as error:
            context["problems"] = problem_rows(error)
        else:
            report = counts(summary)
            context["report"] = report
            context["to_import"] = report["new"] + report["changed"]
            if context["to_import"]:
                context["token"] = checked_file_keep(
                    user=request_user(request), edition=edition, name=name, content=content, reason=reason
                )
        form = UploadForm(initial={"edition": edition})  # ready for the next file
    return _render(request, model_admin, form, context)


def _confirm(request: HttpRequest, model_admin: ModelAdmin[Contact]) -> HttpResponse:
    token = request.POST["token"]
    kept = checked_file_get(user=request_user(request), token=token)
    edition = Edition.objects.filter(pk=kept["edition_id"]).first() if kept else None
    if kept is None or edition is None:
        messages.error(
            request,
            _("This check has expired or was not yours: nothing was imported. Upload the file and check it again."),
        )
        form = UploadForm(initial={"edition": Edition.objects.order_by("-year").first()})
        return _render(request, model_admin, form, {}, status=400)
    # Whatever happens now, the check is used up: a changed database needs a new check.
    checked_file_forget(user=request_user(request), token=token)
    context = {"edition": edition, "file_name": kept["name"], "file_size": len(kept["content"]), "sha256": kept["sha256"]}
    try:
        summary = import_contacts_content(
            edition=edition,
            content=kept["content"],
            user=request_user(request),
            source=Source.ADMIN,
            reason=kept.get("reason", ""),
        )
    except BundleError as error:
        # The contacts changed since the check (e.g. a judge's edit, a final publication).
        messages.error(
            request,
            _("Nothing was imported: since the check, the data changed and these rows are no longer good."),
        )
        context["problems"] = problem_rows(error)
        return _render(request, model_admin, UploadForm(initial={"edition": edition}), context, status=409)
    messages.success(
        request,
        _("Imported %(file)s into %(edition)s: %(new)s new, %(changed)s changed, %(unchanged)s unchanged.")
        % {"file": kept["name"], "edition": edition.year, **counts(summary)},
    )
    return HttpResponseRedirect(request.path)


def _render(
    request: HttpRequest, model_admin: ModelAdmin[Contact], form: UploadForm, context: dict[str, Any], *, status: int = 200
) -> HttpResponse:
    context = {
        **model_admin.admin_site.each_context(request),
        "opts": model_admin.model._meta,
        "title": _("Upload contacts"),
        "form": form,
        **context,
    }
    return TemplateResponse(request, TEMPLATE, context, status=status)
