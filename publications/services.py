"""Publishing: freezing an edition's results (payload, canonical JSON, digest, inputs), previewing and verifying them."""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.contrib.auth.models import User
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.security import security_event_on_commit
from award.models import Edition
from channels_app.models import Contact, ContactStatus
from publications.cache import publications_version_changed
from publications.chain import first_broken, link_of
from publications.inputs import FrozenInputs, inputs_freeze, inputs_unpack, reference_results, results_from_inputs
from publications.models import Publication, PublicationKind, PublishedAverages, PublishedInputs
from publications.payload import canonical_json, digest_of, final_payload, interim_payload
from publications.selectors import publication_latest
from scoring.averages import field_sums
from scoring.models import ScoringState
from scoring.selectors import edition_results
from scoring.services import edition_rescore


class PublicationError(Exception):
    pass


def publication_create(
    *,
    edition: Edition,
    kind: str,
    user: User | None = None,
    supersedes: Publication | None = None,
    correction_reason: str = "",
    published_at: datetime | None = None,
) -> Publication:
    """Freeze the edition's current results: canonical JSON payload and its sha256 digest.

    Standings are brought up to date first, in the same transaction, so a
    publication never freezes results behind the contacts. The sums behind the
    dashboard's averages are frozen with it (PublishedAverages).
    """
    if kind not in PublicationKind.values:
        raise PublicationError(_("Unknown kind of publication: %(kind)s") % {"kind": kind})
    if supersedes is not None and not correction_reason.strip():
        raise PublicationError(_("Say why the publication corrects the earlier one."))
    if supersedes is not None and (supersedes.edition_id != edition.pk or supersedes.kind != kind):
        raise PublicationError(_("A correction replaces a publication of the same edition and kind."))
    moment = (published_at or timezone.now()).replace(microsecond=0)
    with transaction.atomic():
        state = edition_rescore(edition_id=edition.pk)
        results = edition_results(edition=edition)
        payload = canonical_json(_payload_builder(kind)(results, published_at=moment))
        inputs = inputs_freeze(edition=edition)
        if kind == PublicationKind.FINAL and edition.final_published_at is None:
            # From now on contacts are locked (award.models.Edition.is_final), in the same transaction.
            Edition.objects.filter(pk=edition.pk).update(final_published_at=moment)
            edition.final_published_at = moment
        # The chain, in the order publications are made (edition_rescore above holds the edition's lock row).
        before = Publication.objects.filter(edition=edition).order_by("-pk").values_list("link", flat=True).first() or ""
        publication = Publication(
            edition=edition,
            kind=kind,
            published_at=moment,
            payload=payload,
            digest=digest_of(payload),
            inputs_digest=inputs.digest,
            previous_link=before,
            data_version=state.scored_version,
            supersedes=supersedes,
            correction_reason=correction_reason.strip(),
            published_by=user.get_username() if user is not None and getattr(user, "pk", None) else "",
        )
        publication.link = link_of(
            previous_link=before,
            kind=kind,
            published_iso=publication.published_iso,
            digest=publication.digest,
            inputs_digest=publication.inputs_digest,
        )
        publication.save()
        publications_version_changed()  # public pages show it at once (publications.cache)
        # The dashboard's field and class averages, from the same rescored standings: they move only from one
        # publication to the next, never with one competitor's new contact (scoring.averages).
        PublishedAverages.objects.create(publication=publication, sums=field_sums(edition=edition).to_json())
        _inputs_keep(publication=publication, inputs=inputs)
        security_event_on_commit(  # when it commits: a publication_confirm that finds the results changed rolls it back
            "publication",
            user=user if publication.published_by else None,
            edition=edition.year,
            kind=kind,
            digest=publication.digest,
            supersedes=supersedes.digest if supersedes is not None else None,
        )
        return publication


def _inputs_keep(*, publication: Publication, inputs: FrozenInputs) -> None:
    """The frozen inputs stored with the publication. On PostgreSQL their tens of megabytes go as a binary parameter:
    Django's cursors bind on the client, which would write them out as a hex literal of twice the size, and copy it."""
    if connection.vendor != "postgresql":
        PublishedInputs.objects.create(publication=publication, participants=inputs.participants, packed=inputs.packed)
        return
    import psycopg
    from psycopg.types.json import Jsonb

    table = PublishedInputs._meta.db_table
    with psycopg.Cursor(connection.connection) as cursor:
        cursor.execute(
            f"INSERT INTO {table} (publication_id, participants, packed) VALUES (%s, %s, %s)",  # nosec B608
            [publication.pk, Jsonb(inputs.participants), inputs.packed],
        )  # our own table name; the values are bound parameters


def _payload_builder(kind: str) -> Callable[..., dict[str, Any]]:
    return interim_payload if kind == PublicationKind.INTERIM else final_payload


class PublicationOutdated(PublicationError):
    """What would be published is no longer what the organiser reviewed."""


def publication_fingerprint(payload: Mapping[str, Any]) -> str:
    """The digest of a payload without its moment of publishing: equal fingerprints publish the same results."""
    return digest_of(canonical_json({key: value for key, value in payload.items() if key != "published_at"}))


@dataclass(frozen=True)
class PublicationPreview:
    edition: Edition
    kind: str
    payload: dict[str, Any]
    canonical: str  # the canonical JSON as it would be published at `payload["published_at"]`
    fingerprint: str
    data_version: int
    latest: Publication | None  # the latest publication of the kind, which a correction would supersede
    drafts: int = 0  # contacts saved as drafts, not in these results until their judges submit them
    caught_up: int = 0  # how many data versions the standings were behind, brought up to date for this preview


def publication_preview(*, edition: Edition, kind: str) -> PublicationPreview:
    """Exactly what publication_create would freeze now, without freezing it."""
    if kind not in PublicationKind.values:
        raise PublicationError(_("Unknown kind of publication: %(kind)s") % {"kind": kind})
    moment = timezone.now().replace(microsecond=0)
    with transaction.atomic():
        before = ScoringState.objects.filter(edition_id=edition.pk).values_list("scored_version", flat=True).first() or 0
        state = edition_rescore(edition_id=edition.pk)
        results = edition_results(edition=edition)
        drafts = Contact.objects.filter(edition_id=edition.pk, status=ContactStatus.DRAFT, voided=False).count()
    payload = _payload_builder(kind)(results, published_at=moment)
    return PublicationPreview(
        edition=edition,
        kind=kind,
        payload=payload,
        canonical=canonical_json(payload),
        fingerprint=publication_fingerprint(payload),
        data_version=state.scored_version,
        latest=publication_latest(year=edition.year, kind=kind),
        drafts=drafts,
        caught_up=max(state.scored_version - before, 0),
    )


def publication_confirm(
    *,
    edition: Edition,
    kind: str,
    fingerprint: str,
    latest_id: int | None,
    user: User | None = None,
    correct_latest: bool = False,
    correction_reason: str = "",
) -> Publication:
    """Publish what the organiser reviewed (its fingerprint), or nothing: raise PublicationOutdated when it changed.

    The publication is made and compared in one transaction, so results that
    change between the review and the confirmation are never published.
    """
    with transaction.atomic():
        # Lock the edition: writers bump its data version in their transaction, so none commits in between.
        edition = Edition.objects.select_for_update().get(pk=edition.pk)
        latest = publication_latest(year=edition.year, kind=kind)
        if (latest.pk if latest else None) != latest_id:
            raise PublicationOutdated(_("Another publication of this kind was made since you reviewed it."))
        publication = publication_create(
            edition=edition,
            kind=kind,
            user=user,
            supersedes=latest if correct_latest else None,
            correction_reason=correction_reason,
        )
        if publication_fingerprint(json.loads(publication.payload)) != fingerprint:
            # Raising rolls the publication back with the transaction.
            raise PublicationOutdated(_("The results changed since you reviewed them."))
        return publication


@dataclass
class VerifyReport:
    publication: Publication
    payload_intact: bool  # sha256 of the stored payload is the stored digest
    inputs_intact: bool  # sha256 of the frozen inputs is their stored digest
    recomputed_digest: str  # from the frozen inputs, contact by contact (the reference path)
    current_digest: str  # from the contacts as they are now

    @property
    def reproduced(self) -> bool:
        return self.recomputed_digest == self.publication.digest

    @property
    def ok(self) -> bool:
        return self.payload_intact and self.inputs_intact and self.reproduced

    def lines(self) -> list[str]:
        p = self.publication
        lines = [f"{p.edition.year} {p.kind} published {p.published_at.isoformat()}", f"stored digest:     {p.digest}"]
        if not self.payload_intact:
            lines.append(f"payload digest:    {digest_of(p.payload)}  MISMATCH: the stored payload was altered")
        if not self.inputs_intact:
            lines.append("MISMATCH: the frozen contacts of this publication were altered")
        lines.append(f"recomputed digest: {self.recomputed_digest}  (from the contacts as they stood when it was published)")
        if self.ok:
            lines.append("OK: the publication is intact and reproduced from its contacts.")
        elif not self.reproduced:
            lines.append("MISMATCH: the contacts it was made from do not give this publication.")
        if self.current_digest == p.digest:
            lines.append("The contacts as they are now still give this publication.")
        else:
            lines.append("The contacts have changed since: a new publication would differ (this one stands as published).")
        return lines


@dataclass
class EditionVerifyReport:
    """Every publication of an edition verified, oldest first, and its chain of links."""

    reports: list[VerifyReport]
    broken: tuple[Publication, str] | None  # the first publication whose link does not hold, and why

    @property
    def ok(self) -> bool:
        return self.broken is None and all(report.ok for report in self.reports)

    def first_failure(self) -> str:
        """The first publication that fails, named (its position, kind, time and digest), and why; empty when none."""
        failures = []
        if self.broken is not None:
            failures.append((self.broken[0].pk, self.broken[0], f"the chain breaks here: {self.broken[1]}"))
        failures += [(r.publication.pk, r.publication, "it does not verify (see above)") for r in self.reports if not r.ok]
        if not failures:
            return ""
        _pk, publication, why = min(failures, key=lambda failure: failure[0])
        return f"First failure: {publication.kind} published {publication.published_iso}, {publication.digest}: {why}."


def publications_verify(*, edition: Edition) -> EditionVerifyReport:
    """Verify each publication of the edition (publication_verify) and the chain that links them, oldest first."""
    chain = list(Publication.objects.filter(edition=edition).select_related("edition").order_by("pk"))
    broken = first_broken(chain)
    return EditionVerifyReport(
        reports=[publication_verify(publication=publication) for publication in chain],
        broken=(chain[broken[0]], broken[1]) if broken is not None else None,
    )


def publication_verify(*, publication: Publication) -> VerifyReport:
    """scoring.md §6: recompute from the contacts as they stood (frozen with it) and compare digests."""
    build = interim_payload if publication.kind == PublicationKind.INTERIM else final_payload
    packed = PublishedInputs.objects.filter(publication_id=publication.pk).values_list("packed", flat=True).first()
    inputs = inputs_unpack(packed) if packed is not None else ""  # none for a publication made before they were kept
    frozen = results_from_inputs(json.loads(inputs)) if inputs else None
    current = reference_results(edition=publication.edition)
    return VerifyReport(
        publication,
        payload_intact=digest_of(publication.payload) == publication.digest,
        inputs_intact=digest_of(inputs) == publication.inputs_digest,
        recomputed_digest=digest_of(canonical_json(build(frozen, published_at=publication.published_at))) if frozen else "",
        current_digest=digest_of(canonical_json(build(current, published_at=publication.published_at))),
    )
