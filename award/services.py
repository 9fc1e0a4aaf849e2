"""Business steps of editions, classes, participants and publications."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from django.contrib.auth.models import Group
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from award.history import changes_between, history_record
from award.models import (
    AwardClass,
    ChangeRecord,
    Channel,
    Edition,
    Membership,
    Participant,
    ParticipantChannel,
    Publication,
    PublicationKind,
)
from award.roles import JUDGES, ORGANISERS
from award.selectors import UserRole, user_role
from scoring.reference import edition_inputs, reference_results, results_from_inputs
from scoring.results import canonical_json, digest_of, final_payload, interim_payload
from scoring.selectors import edition_results
from scoring.services import edition_data_changed, edition_is_stale, edition_rescore


class PublicationError(Exception):
    pass


class Invalid(Exception):
    """A business rule refused the change; errors maps a field to its reasons."""

    def __init__(self, errors: dict[str, list[str]]) -> None:
        super().__init__(errors)
        self.errors = errors


def _counted_contacts() -> Any:
    from channels_app.models import Contact

    return Contact.objects.counted()


def _local_midnight(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, datetime.min.time()))


# The same limits as the bundle import (channels_app.bundle.parse_edition).
EDITION_YEARS = (1900, 9999)
MAX_NAME = 200
MAX_MIN_CONTACTS = 1000


def edition_check(
    *,
    year: int,
    name: str,
    starts_on: date,
    ends_on: date,
    min_contacts_per_channel: int,
    edition: Edition | None = None,
) -> None:
    """Raise Invalid naming every field of an edition (new, or `edition` changed to these values) that breaks a rule."""
    errors: dict[str, list[str]] = {}

    def bad(name: str, reason: str) -> None:
        errors.setdefault(name, []).append(reason)

    low, high = EDITION_YEARS
    if not low <= year <= high:
        bad("year", _("must be between %(low)s and %(high)s") % {"low": low, "high": high})
    if not name.strip():
        bad("name", _("required"))
    elif len(name) > MAX_NAME:
        bad("name", _("at most %(n)s characters") % {"n": MAX_NAME})
    if ends_on < starts_on:
        bad("ends_on", _("must not be before the start (%(start)s)") % {"start": starts_on.isoformat()})
    if not 1 <= min_contacts_per_channel <= MAX_MIN_CONTACTS:
        bad("min_contacts_per_channel", _("must be between %(low)s and %(high)s") % {"low": 1, "high": MAX_MIN_CONTACTS})
    if edition is not None and not errors and (starts_on, ends_on) != (edition.starts_on, edition.ends_on):
        # A counted contact is evidence dated inside its edition (scoring.md §1): moving the dates past it would strand it.
        outside = (
            _counted_contacts()
            .filter(edition=edition)
            .exclude(happened_at__gte=_local_midnight(starts_on), happened_at__lt=_local_midnight(ends_on + timedelta(days=1)))
            .count()
        )
        if outside:
            bad("starts_on", _("%(n)s counted contacts would fall outside the new dates: void them first") % {"n": outside})
    if errors:
        raise Invalid(errors)


def edition_upsert(
    *,
    year: int,
    name: str,
    starts_on: date,
    ends_on: date,
    min_contacts_per_channel: int = 3,
    publish_rankings: bool | None = None,
    user: Any = None,
    source: str,
) -> tuple[Edition, bool]:
    """Create the edition of this year, or update it; return it and whether anything changed.

    publish_rankings None leaves it as it is (the model's default for a new edition).
    """
    with transaction.atomic():
        edition = Edition.objects.select_for_update().filter(year=year).first()
        edition_check(
            year=year,
            name=name,
            starts_on=starts_on,
            ends_on=ends_on,
            min_contacts_per_channel=min_contacts_per_channel,
            edition=edition,
        )
        values: dict[str, Any] = {
            "name": name,
            "starts_on": starts_on,
            "ends_on": ends_on,
            "min_contacts_per_channel": min_contacts_per_channel,
        }
        if publish_rankings is not None:
            values["publish_rankings"] = publish_rankings
        if edition is None:
            edition = Edition.objects.create(year=year, **values)
            history_record(
                subject=edition, action=ChangeRecord.Action.CREATE, changes=changes_between({}, values), user=user, source=source
            )
            edition_data_changed(edition_id=edition.pk)
            return edition, True
        changes = changes_between({k: getattr(edition, k) for k in values}, values)
        if not changes:
            return edition, False
        for key, value in values.items():
            setattr(edition, key, value)
        edition.save(update_fields=list(values))
        history_record(subject=edition, action=ChangeRecord.Action.UPDATE, changes=changes, user=user, source=source)
        if "min_contacts_per_channel" in changes:
            edition_data_changed(edition_id=edition.pk)
        return edition, True


def class_ensure(*, edition: Edition, name: str, user: Any = None, source: str) -> tuple[AwardClass, bool]:
    award_class = AwardClass.objects.filter(edition=edition, name=name).first()
    if award_class is not None:
        return award_class, False
    award_class = AwardClass.objects.create(edition=edition, name=name, slug=_unique_slug(edition, name))
    history_record(
        subject=award_class, action=ChangeRecord.Action.CREATE, changes={"name": [None, name]}, user=user, source=source
    )
    return award_class, True


def _unique_slug(edition: Edition, name: str) -> str:
    base = slugify(name) or "class"
    slug, n = base, 2
    while AwardClass.objects.filter(edition=edition, slug=slug).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug


def class_check(*, edition: Edition, name: str, award_class: AwardClass | None = None) -> None:
    """Raise Invalid when `name` cannot name a class of the edition (a new one, or `award_class` renamed)."""
    errors: dict[str, list[str]] = {}
    if not name.strip():
        errors["name"] = [_("required")]
    elif len(name) > MAX_NAME:
        errors["name"] = [_("at most %(n)s characters") % {"n": MAX_NAME}]
    else:
        others = AwardClass.objects.filter(edition=edition, name=name)
        if award_class is not None:
            others = others.exclude(pk=award_class.pk)
        if others.exists():
            errors["name"] = [_("%(year)s already has a class named %(name)s") % {"year": edition.year, "name": name}]
    if errors:
        raise Invalid(errors)


def class_rename(*, award_class: AwardClass, name: str, user: Any = None, source: str) -> AwardClass:
    """Give a class a new name; its slug stays, so nothing that points at it breaks."""
    with transaction.atomic():
        award_class = AwardClass.objects.select_for_update().select_related("edition").get(pk=award_class.pk)
        if award_class.name == name:
            return award_class
        class_check(edition=award_class.edition, name=name, award_class=award_class)
        old, award_class.name = award_class.name, name
        award_class.save(update_fields=["name"])
        history_record(
            subject=award_class, action=ChangeRecord.Action.UPDATE, changes={"name": [old, name]}, user=user, source=source
        )
        return award_class


def _participant_name_errors(*, edition: Edition, name: str, participant: Participant | None) -> list[str]:
    if not name.strip():
        return [_("required")]
    if len(name) > MAX_NAME:
        return [_("at most %(n)s characters") % {"n": MAX_NAME}]
    if participant is not None and participant.name == name:
        return []
    others = Participant.objects.filter(edition=edition, name=name)
    if participant is not None:
        others = others.exclude(pk=participant.pk)
    if others.exists():
        return [_("%(year)s already has a participant named %(name)s") % {"year": edition.year, "name": name}]
    return []


def participant_check(
    *,
    edition: Edition,
    name: str,
    award_class: AwardClass,
    channels: Iterable[str],
    participant: Participant | None = None,
) -> None:
    """Raise Invalid naming every field of a participant (new, or `participant` changed to these values) that breaks a rule."""
    errors: dict[str, list[str]] = {}
    channels = list(channels)
    name_errors = _participant_name_errors(edition=edition, name=name, participant=participant)
    if name_errors:
        errors["name"] = name_errors
    if award_class.edition_id != edition.pk:
        errors["award_class"] = [_("%(class)s is not a class of %(year)s") % {"class": award_class.name, "year": edition.year}]
    unknown = [channel for channel in channels if channel not in Channel.values]
    if unknown:
        errors["channels"] = [
            _("unknown channel %(channel)s (use %(choices)s)") % {"channel": channel, "choices": ", ".join(Channel.values)}
            for channel in unknown
        ]
    elif participant is not None:
        dropped = [channel for channel in participant.channels if channel not in channels]
        in_use = _counted_contacts().filter(participant=participant, channel__in=dropped).count() if dropped else 0
        if in_use:
            errors["channels"] = [
                _("%(name)s has %(n)s counted contacts in %(channels)s: void them before dropping the channel")
                % {"name": participant.name, "n": in_use, "channels": ", ".join(dropped)}
            ]
    if errors:
        raise Invalid(errors)


def participant_upsert(
    *, edition: Edition, name: str, award_class: AwardClass, channels: Iterable[str], user: Any = None, source: str
) -> tuple[Participant, str]:
    """Create or update the participant of this name; return it and created/updated/unchanged."""
    channels = list(channels)
    wanted = [channel for channel in Channel.values if channel in set(channels)]
    with transaction.atomic():
        participant = Participant.objects.select_for_update().filter(edition=edition, name=name).first()
        participant_check(edition=edition, name=name, award_class=award_class, channels=channels, participant=participant)
        if participant is None:
            participant = Participant.objects.create(edition=edition, name=name, award_class=award_class)
            ParticipantChannel.objects.bulk_create(ParticipantChannel(participant=participant, channel=c) for c in wanted)
            changes = changes_between({}, {"name": name, "class": award_class.name, "channels": wanted})
            history_record(subject=participant, action=ChangeRecord.Action.CREATE, changes=changes, user=user, source=source)
            edition_data_changed(edition_id=edition.pk)
            return participant, "created"
        before = {"class": participant.award_class.name, "channels": participant.channels}
        changes = changes_between(before, {"class": award_class.name, "channels": wanted})
        if not changes:
            return participant, "unchanged"
        participant.award_class = award_class
        participant.save(update_fields=["award_class"])
        participant.offered_channels.exclude(channel__in=wanted).delete()
        ParticipantChannel.objects.bulk_create(
            (ParticipantChannel(participant=participant, channel=c) for c in wanted if c not in before["channels"]),
        )
        history_record(subject=participant, action=ChangeRecord.Action.UPDATE, changes=changes, user=user, source=source)
        edition_data_changed(edition_id=edition.pk)
        return participant, "updated"


def participant_rename(*, participant: Participant, name: str, user: Any = None, source: str) -> Participant:
    """Give a participant a new name. Scores do not change; publications made before keep the old name."""
    with transaction.atomic():
        participant = Participant.objects.select_for_update().select_related("edition").get(pk=participant.pk)
        if participant.name == name:
            return participant
        errors = _participant_name_errors(edition=participant.edition, name=name, participant=participant)
        if errors:
            raise Invalid({"name": errors})
        old, participant.name = participant.name, name
        participant.save(update_fields=["name"])
        history_record(
            subject=participant, action=ChangeRecord.Action.UPDATE, changes={"name": [old, name]}, user=user, source=source
        )
        return participant


def publication_create(
    *,
    edition: Edition,
    kind: str,
    user: Any = None,
    supersedes: Publication | None = None,
    correction_reason: str = "",
    published_at: datetime | None = None,
) -> Publication:
    """Freeze the edition's current results: canonical JSON payload and its sha256 digest.

    Standings are brought up to date first, in the same transaction, so a
    publication never freezes results behind the contacts.
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
        inputs = canonical_json(edition_inputs(edition=edition))
        return Publication.objects.create(
            edition=edition,
            kind=kind,
            published_at=moment,
            payload=payload,
            digest=digest_of(payload),
            inputs=inputs,
            inputs_digest=digest_of(inputs),
            data_version=state.scored_version,
            supersedes=supersedes,
            correction_reason=correction_reason.strip(),
            published_by=user if getattr(user, "pk", None) else None,
        )


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


def standings_refresh(*, edition: Edition) -> None:
    """Bring the edition's standings up to its data version when a rescoring is behind (a lost or pending task)."""
    if edition_is_stale(edition=edition):
        edition_rescore(edition_id=edition.pk)


def publication_preview(*, edition: Edition, kind: str) -> PublicationPreview:
    """Exactly what publication_create would freeze now, without freezing it."""
    if kind not in PublicationKind.values:
        raise PublicationError(_("Unknown kind of publication: %(kind)s") % {"kind": kind})
    moment = timezone.now().replace(microsecond=0)
    with transaction.atomic():
        state = edition_rescore(edition_id=edition.pk)
        results = edition_results(edition=edition)
    payload = _payload_builder(kind)(results, published_at=moment)
    return PublicationPreview(
        edition=edition,
        kind=kind,
        payload=payload,
        canonical=canonical_json(payload),
        fingerprint=publication_fingerprint(payload),
        data_version=state.scored_version,
        latest=publication_latest(edition=edition, kind=kind),
    )


def publication_confirm(
    *,
    edition: Edition,
    kind: str,
    fingerprint: str,
    latest_id: int | None,
    user: Any = None,
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
        latest = publication_latest(edition=edition, kind=kind)
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


def publication_latest(*, edition: Edition, kind: str) -> Publication | None:
    return Publication.objects.filter(edition=edition).latest_of(kind)


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


def publication_verify(*, publication: Publication) -> VerifyReport:
    """scoring.md §6: recompute from the contacts as they stood (frozen with it) and compare digests."""
    build = interim_payload if publication.kind == PublicationKind.INTERIM else final_payload
    frozen = results_from_inputs(json.loads(publication.inputs))
    current = reference_results(edition=publication.edition)
    return VerifyReport(
        publication,
        payload_intact=digest_of(publication.payload) == publication.digest,
        inputs_intact=digest_of(publication.inputs) == publication.inputs_digest,
        recomputed_digest=digest_of(canonical_json(build(frozen, published_at=publication.published_at))),
        current_digest=digest_of(canonical_json(build(current, published_at=publication.published_at))),
    )


def participant_remove(*, participant: Participant, user: Any = None, source: str) -> None:
    """Withdraw a participant that has no contacts (one with contacts stays: its contacts are evidence)."""
    from channels_app.models import Contact

    if Contact.objects.filter(participant=participant).exists():
        raise Invalid({"name": [_("%(name)s has contacts and cannot be removed") % {"name": participant.name}]})
    with transaction.atomic():
        history_record(subject=participant, action=ChangeRecord.Action.DELETE, user=user, source=source)
        edition_id = participant.edition_id
        participant.delete()
        edition_data_changed(edition_id=edition_id)


def class_remove(*, award_class: AwardClass, user: Any = None, source: str) -> None:
    if award_class.participants.exists():
        raise Invalid({"classes": [_("%(name)s still has participants") % {"name": award_class.name}]})
    with transaction.atomic():
        history_record(subject=award_class, action=ChangeRecord.Action.DELETE, user=user, source=source)
        award_class.delete()


def membership_check(*, member: Any, participant: Participant) -> None:
    """Raise Invalid when this account may not read this participant's dashboard."""
    errors: dict[str, list[str]] = {}
    if member.groups.filter(name=JUDGES).exists():
        # DESIGN.md: a judge never sees a score summary, and a company dashboard is one.
        errors["user"] = [_("%(user)s is a judge: a judge cannot be a company user") % {"user": member.get_username()}]
    linked = Membership.objects.filter(user=member, participant__edition_id=participant.edition_id).select_related("participant")
    for membership in linked:
        if membership.participant_id == participant.pk:
            reason = _("%(user)s is already linked to %(name)s") % {"user": member.get_username(), "name": participant.name}
        else:
            reason = _("%(user)s is already linked to %(name)s in this edition") % {
                "user": member.get_username(),
                "name": membership.participant.name,
            }
        errors.setdefault("participant", []).append(reason)
    if errors:
        raise Invalid(errors)


def membership_create(*, member: Any, participant: Participant, user: Any = None, source: str) -> Membership:
    """Let a company user read one participant's dashboard."""
    with transaction.atomic():
        membership_check(member=member, participant=participant)
        membership = Membership.objects.create(user=member, participant=participant)
        history_record(
            subject=membership,
            action=ChangeRecord.Action.CREATE,
            changes={"user": [None, member.get_username()], "participant": [None, participant.name]},
            user=user,
            source=source,
        )
        return membership


def membership_delete(*, membership: Membership, user: Any = None, source: str) -> None:
    with transaction.atomic():
        history_record(
            subject=membership,
            action=ChangeRecord.Action.DELETE,
            changes={"user": [membership.user.get_username(), None], "participant": [membership.participant.name, None]},
            user=user,
            source=source,
        )
        membership.delete()


ROLE_GROUPS = {UserRole.ORGANISER: ORGANISERS, UserRole.JUDGE: JUDGES}


def user_role_check(*, account: Any, role: str, user: Any = None) -> None:
    """Raise Invalid when `user` may not give `account` this role."""
    if role not in UserRole.values:
        raise Invalid({"role": [_("must be one of %(choices)s") % {"choices": ", ".join(UserRole.values)}]})
    if account.pk is None:
        return
    if account.is_superuser and user is not None and not user.is_superuser:
        raise Invalid({"role": [_("Only a superuser can change the role of a superuser.")]})
    if role == UserRole.JUDGE and Membership.objects.filter(user=account).exists():
        # DESIGN.md: a judge never sees a score summary, and a company dashboard is one.
        raise Invalid(
            {
                "role": [
                    _("%(user)s is linked to a participant: a judge cannot be a company user") % {"user": account.get_username()}
                ]
            }
        )


def user_role_set(*, account: Any, role: str, user: Any = None, source: str, note: str = "") -> bool:
    """Put an account in the group of its role (DESIGN.md's roles table); return whether anything changed.

    Judges and organisers are staff (they work in the admin); company users are
    not. Only the role groups are touched, and only a superuser (or a command at
    the server, user None) changes a superuser's role.
    """
    user_role_check(account=account, role=role, user=user)
    with transaction.atomic():
        account = type(account).objects.select_for_update().get(pk=account.pk)
        staff = role in ROLE_GROUPS
        before = {"role": user_role(account), "is_staff": account.is_staff}
        for group_role, name in ROLE_GROUPS.items():
            group, _created = Group.objects.get_or_create(name=name)
            if group_role == role:
                account.groups.add(group)
            else:
                account.groups.remove(group)
        if account.is_staff != staff:
            account.is_staff = staff
            account.save(update_fields=["is_staff"])
        changes = changes_between(before, {"role": user_role(account), "is_staff": staff})
        if not changes and not note:
            return False
        history_record(subject=account, action=ChangeRecord.Action.UPDATE, changes=changes, user=user, source=source, note=note)
        return bool(changes)


# What an organiser may change of an account besides its role (never its superuser flag or permissions).
USER_DETAILS = ("username", "first_name", "last_name", "email", "is_active")


def user_details_set(*, account: Any, values: Mapping[str, Any], user: Any = None, source: str) -> bool:
    """Change an account's name, e-mail or active flag, with history; return whether anything changed."""
    unknown = set(values) - set(USER_DETAILS)
    if unknown:
        raise ValueError(f"not details of an account: {sorted(unknown)}")
    with transaction.atomic():
        account = type(account).objects.select_for_update().get(pk=account.pk)
        changes = changes_between({key: getattr(account, key) for key in values}, values)
        if not changes:
            return False
        for key in changes:
            setattr(account, key, values[key])
        account.save(update_fields=list(changes))
        history_record(subject=account, action=ChangeRecord.Action.UPDATE, changes=changes, user=user, source=source)
        return True


def membership_invite(*, membership: Membership, site_url: str, user: Any = None, source: str) -> str:
    """E-mail a company user a one-time link to choose their password and read their participant's dashboard.

    The link carries Django's password-reset token (valid PASSWORD_RESET_TIMEOUT,
    void once a password is set), so an invitation works the same whether the
    account has a password yet or not. Links start with settings.SITE_URL when
    it is set, else with `site_url` (the requesting browser's address). Returns
    the address written to; the history records that an invitation went out,
    never the link.
    """
    from django.conf import settings
    from django.contrib.auth.tokens import default_token_generator
    from django.core.mail import send_mail
    from django.template.loader import render_to_string
    from django.urls import reverse
    from django.utils.encoding import force_bytes
    from django.utils.http import urlsafe_base64_encode

    member, participant = membership.user, membership.participant
    if not member.is_active:
        raise Invalid({"user": [_("%(user)s is not active: activate the account first") % {"user": member.get_username()}]})
    address = (member.email or "").strip()
    if not address:
        raise Invalid({"user": [_("%(user)s has no e-mail address") % {"user": member.get_username()}]})
    # A configured address wins over the request's Host header, which the organiser's browser chose.
    base = (settings.SITE_URL or site_url).rstrip("/")
    path = reverse(
        "accounts:invitation",
        kwargs={"uidb64": urlsafe_base64_encode(force_bytes(member.pk)), "token": default_token_generator.make_token(member)},
    )
    context = {
        "member": member,
        "participant": participant,
        "edition": participant.edition,
        "link": base + path,
        "login": base + reverse("accounts:login"),
        "days": max(1, settings.PASSWORD_RESET_TIMEOUT // 86400),
    }
    subject = render_to_string("registration/invitation_subject.txt", context).strip()
    send_mail(subject, render_to_string("registration/invitation_email.txt", context), None, [address])
    history_record(
        subject=membership,
        action=ChangeRecord.Action.UPDATE,
        changes={},
        user=user,
        source=source,
        note=_("invitation sent to %(address)s") % {"address": address},
    )
    return address
