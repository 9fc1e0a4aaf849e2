"""Publications in the admin: read only, and an edition's publishing (a preview, then its confirmation).

Only organisers see these pages. A publication is made by publications.services,
never edited; publishing confirms exactly what the organiser reviewed (its
fingerprint), or nothing.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotAllowed, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext, gettext_lazy
from django.utils.translation import gettext as _

from award.admin_base import OrganiserOnlyMixin, ReadOnlyAdmin, edition_page_context, request_user, require_organiser
from award.models import Channel, Edition
from publications.forms import PublishForm
from publications.models import Publication, PublicationKind
from publications.services import (
    PublicationError,
    PublicationOutdated,
    PublicationPreview,
    publication_confirm,
    publication_preview,
)

KIND_TITLES = {
    PublicationKind.INTERIM: gettext_lazy("Publish interim results of %(edition)s"),
    PublicationKind.FINAL: gettext_lazy("Publish final results of %(edition)s"),
}
PUBLISHED_MESSAGES = {
    PublicationKind.INTERIM: gettext_lazy("Published the interim results of %(year)s: %(digest)s"),
    PublicationKind.FINAL: gettext_lazy("Published the final results of %(year)s: %(digest)s"),
}


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
    edition: Edition,
    preview: PublicationPreview,
    form: PublishForm | None = None,
) -> TemplateResponse:
    if form is None:
        form = PublishForm(initial={"fingerprint": preview.fingerprint, "latest": preview.latest.pk if preview.latest else None})
    title = KIND_TITLES[PublicationKind(preview.kind)] % {"edition": edition}
    context = edition_page_context(request, edition=edition, title=title) | {
        "kind": preview.kind,
        "kind_label": PublicationKind(preview.kind).label,
        "preview": preview,
        "payload": readable_payload(preview.payload),
        "form": form,
        "confirm_url": reverse("admin:publications_edition_publish_confirm", args=[edition.pk, preview.kind]),
    }
    return TemplateResponse(request, "admin/publications/publish_preview.html", context)


def publish_preview_view(request: HttpRequest, *, edition: Edition, kind: str) -> HttpResponse:
    preview = publication_preview(edition=edition, kind=kind)
    return _render_preview(request, edition=edition, preview=preview)


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


def publish_confirm_view(request: HttpRequest, *, edition: Edition, kind: str) -> HttpResponse:
    form = PublishForm(request.POST)
    if not form.is_valid():
        preview = publication_preview(edition=edition, kind=kind)
        if form.data.get("fingerprint") != preview.fingerprint:
            messages.warning(request, _("The results changed since you reviewed them: review them again below."))
        return _render_preview(request, edition=edition, preview=preview, form=form)
    try:
        publication = publication_confirm(
            edition=edition,
            kind=kind,
            fingerprint=form.cleaned_data["fingerprint"],
            latest_id=form.cleaned_data["latest"],
            user=request_user(request),
            correct_latest=form.cleaned_data["correct_latest"],
            correction_reason=form.cleaned_data["correction_reason"],
        )
    except PublicationOutdated as outdated:
        messages.warning(request, _("Nothing was published. %(why)s Review them again below.") % {"why": outdated})
        preview = publication_preview(edition=edition, kind=kind)
        form = _fresh_form(preview, form)
        return _render_preview(request, edition=edition, preview=preview, form=form)
    except PublicationError as error:
        form.add_error(None, str(error))
        preview = publication_preview(edition=edition, kind=kind)
        return _render_preview(request, edition=edition, preview=preview, form=form)
    messages.success(request, PUBLISHED_MESSAGES[PublicationKind(kind)] % {"year": edition.year, "digest": publication.digest})
    return HttpResponseRedirect(reverse("admin:publications_publication_change", args=[publication.pk]))


@admin.register(Publication)
class PublicationAdmin(OrganiserOnlyMixin, ReadOnlyAdmin):
    list_display = ["edition", "kind", "published_at", "digest", "supersedes", "json_link"]
    list_filter = ["edition", "kind"]
    list_select_related = ["edition", "supersedes", "supersedes__edition"]
    fields = [
        "edition",
        "kind",
        "published_at",
        "published_by",
        "digest",
        "links",
        "data_version",
        "supersedes",
        "correction_reason",
        "inputs_digest",
        "payload",
    ]
    readonly_fields = ["links"]

    def get_urls(self) -> list[Any]:
        wrap = self.admin_site.admin_view
        return [
            path("<path:object_id>/json/", wrap(self.json_view), name="publications_publication_json"),
            path("publish/<int:edition_id>/<str:kind>/", wrap(self.publish_view), name="publications_edition_publish"),
            path(
                "publish/<int:edition_id>/<str:kind>/confirm/",
                wrap(self.publish_confirm_view),
                name="publications_edition_publish_confirm",
            ),
            *super().get_urls(),
        ]

    def _edition(self, request: HttpRequest, edition_id: int, kind: str) -> Edition:
        require_organiser(request)
        if kind not in PublicationKind.values:
            raise Http404
        edition = Edition.objects.filter(pk=edition_id).first()
        if edition is None:
            raise Http404
        return edition

    def publish_view(self, request: HttpRequest, edition_id: int, kind: str) -> HttpResponse:
        edition = self._edition(request, edition_id, kind)
        return publish_preview_view(request, edition=edition, kind=kind)

    def publish_confirm_view(self, request: HttpRequest, edition_id: int, kind: str) -> HttpResponse:
        edition = self._edition(request, edition_id, kind)
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        return publish_confirm_view(request, edition=edition, kind=kind)

    def json_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        """The stored payload byte for byte: its sha256 is the digest."""
        publication = self.get_object(request, unquote(object_id))
        if publication is None:
            raise Http404
        if not self.has_view_permission(request, publication):
            raise PermissionDenied
        return HttpResponse(publication.payload.encode("utf-8"), content_type="application/json; charset=utf-8")

    @admin.display(description=_("JSON"))
    def json_link(self, publication: Publication) -> str:
        url = reverse("admin:publications_publication_json", args=[publication.pk])
        return format_html('<a href="{}">{}</a>', url, gettext("JSON"))

    @admin.display(description=_("links"))
    def links(self, publication: Publication) -> str:
        return format_html(
            '<a href="{}">{}</a> · <a href="{}">{}</a>',
            reverse("admin:publications_publication_json", args=[publication.pk]),
            gettext("This publication's JSON"),
            reverse(f"api:{publication.kind}", args=[publication.edition.year]),
            gettext("The public API (the latest publication of this kind)"),
        )
