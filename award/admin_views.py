"""The organisers' edition pages in the admin: the overview, and publishing (preview, then confirm).

Thin: each view calls one selector or service and renders. EditionAdmin checks
that the user is an organiser and finds the edition before calling these.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.contrib import admin, messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from award.forms import PublishForm
from award.models import Channel, Edition, PublicationKind
from award.selectors import edition_overview
from award.services import (
    PublicationError,
    PublicationOutdated,
    PublicationPreview,
    publication_confirm,
    publication_preview,
    standings_refresh,
)

KIND_TITLES = {
    PublicationKind.INTERIM: gettext_lazy("Publish interim results of %(edition)s"),
    PublicationKind.FINAL: gettext_lazy("Publish final results of %(edition)s"),
}
PUBLISHED_MESSAGES = {
    PublicationKind.INTERIM: gettext_lazy("Published the interim results of %(year)s: %(digest)s"),
    PublicationKind.FINAL: gettext_lazy("Published the final results of %(year)s: %(digest)s"),
}


def _context(request: HttpRequest, model_admin: admin.ModelAdmin, edition: Edition, title: str) -> dict[str, Any]:
    request.current_app = model_admin.admin_site.name
    return {
        **model_admin.admin_site.each_context(request),
        "title": title,
        "subtitle": None,
        "opts": model_admin.opts,
        "edition": edition,
        "original": edition,
    }


def edition_overview_view(request: HttpRequest, *, model_admin: admin.ModelAdmin, edition: Edition) -> HttpResponse:
    standings_refresh(edition=edition)
    context = _context(request, model_admin, edition, _("Overview of %(edition)s") % {"edition": edition})
    context["overview"] = edition_overview(edition=edition)
    return TemplateResponse(request, "admin/award/edition/overview.html", context)


def _score(value: str | None) -> Decimal | None:
    """Published scores are strings with a point ("82.0"); Decimal lets the template localise them."""
    return Decimal(value) if value is not None else None


def _ranked(entries: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [entry | {"score": _score(entry.get("score"))} for entry in entries]


def readable_payload(payload: dict[str, Any]) -> dict[str, Any]:
    """A payload as the preview page shows it: channels in channel order with their labels, scores as numbers."""
    labels = dict(Channel.choices)
    channels = [
        data
        | {
            "code": code,
            "label": labels.get(code, code),
            "average": _score(data.get("average")),
            "winners": _ranked(data.get("winners", [])),
            "ranking": _ranked(data.get("ranking", [])),
        }
        for code in Channel.values
        if (data := payload.get("channels", {}).get(code)) is not None
    ]
    readable: dict[str, Any] = {"kind": payload["kind"], "year": payload["year"], "channels": channels}
    if payload["kind"] == PublicationKind.FINAL:
        overall = payload.get("overall", {})
        readable["overall"] = {"winners": _ranked(overall.get("winners", [])), "ranking": _ranked(overall.get("ranking", []))}
        readable["classes"] = [
            item | {"winners": _ranked(item.get("winners", [])), "ranking": _ranked(item.get("ranking", []))}
            for item in payload.get("classes", [])
        ]
    return readable


def _render_preview(
    request: HttpRequest,
    *,
    model_admin: admin.ModelAdmin,
    edition: Edition,
    preview: PublicationPreview,
    form: PublishForm | None = None,
) -> TemplateResponse:
    if form is None:
        form = PublishForm(initial={"fingerprint": preview.fingerprint, "latest": preview.latest.pk if preview.latest else None})
    title = KIND_TITLES[PublicationKind(preview.kind)] % {"edition": edition}
    context = _context(request, model_admin, edition, title) | {
        "kind": preview.kind,
        "kind_label": PublicationKind(preview.kind).label,
        "preview": preview,
        "payload": readable_payload(preview.payload),
        "form": form,
        "confirm_url": reverse(f"{model_admin.admin_site.name}:award_edition_publish_confirm", args=[edition.pk, preview.kind]),
    }
    return TemplateResponse(request, "admin/award/edition/publish_preview.html", context)


def publish_preview_view(request: HttpRequest, *, model_admin: admin.ModelAdmin, edition: Edition, kind: str) -> HttpResponse:
    preview = publication_preview(edition=edition, kind=kind)
    return _render_preview(request, model_admin=model_admin, edition=edition, preview=preview)


def _fresh_form(preview: PublicationPreview, form: PublishForm) -> PublishForm:
    """A form for the new preview that keeps what the organiser typed."""
    return PublishForm(
        initial={
            "fingerprint": preview.fingerprint,
            "latest": preview.latest.pk if preview.latest else None,
            "correct_latest": bool(preview.latest) and form.data.get("correct_latest") in ("on", "true", "1"),
            "correction_reason": form.data.get("correction_reason", ""),
        }
    )


def publish_confirm_view(request: HttpRequest, *, model_admin: admin.ModelAdmin, edition: Edition, kind: str) -> HttpResponse:
    form = PublishForm(request.POST)
    if not form.is_valid():
        preview = publication_preview(edition=edition, kind=kind)
        if form.data.get("fingerprint") != preview.fingerprint:
            messages.warning(request, _("The results changed since you reviewed them: review them again below."))
        return _render_preview(request, model_admin=model_admin, edition=edition, preview=preview, form=form)
    try:
        publication = publication_confirm(
            edition=edition,
            kind=kind,
            fingerprint=form.cleaned_data["fingerprint"],
            latest_id=form.cleaned_data["latest"],
            user=request.user,
            correct_latest=form.cleaned_data["correct_latest"],
            correction_reason=form.cleaned_data["correction_reason"],
        )
    except PublicationOutdated as outdated:
        messages.warning(request, _("Nothing was published. %(why)s Review them again below.") % {"why": outdated})
        preview = publication_preview(edition=edition, kind=kind)
        form = _fresh_form(preview, form)
        return _render_preview(request, model_admin=model_admin, edition=edition, preview=preview, form=form)
    except PublicationError as error:
        form.add_error(None, str(error))
        preview = publication_preview(edition=edition, kind=kind)
        return _render_preview(request, model_admin=model_admin, edition=edition, preview=preview, form=form)
    messages.success(request, PUBLISHED_MESSAGES[PublicationKind(kind)] % {"year": edition.year, "digest": publication.digest})
    return HttpResponseRedirect(reverse(f"{model_admin.admin_site.name}:award_publication_change", args=[publication.pk]))
