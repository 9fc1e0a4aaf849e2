"""Business steps of the year's frame: editions, classes, participants, and the edition's data version."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import date, datetime, timedelta
from typing import Any

from django.contrib.auth.models import User
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from audit.models import Action, Source
from audit.services import changes_between, history_record
from award import rules
from award.models import AwardClass, Channel, Edition, Participant, ParticipantChannel
from award.signals import edition_data_changed as data_changed_signal


class Invalid(Exception):
    """A business rule refused the change; errors maps a field to its reasons."""

    def __init__(self, errors: dict[str, list[str]]) -> None:
        super().__init__(errors)
        self.errors = errors


def _local_midnight(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, datetime.min.time()))


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
    errors = rules.edition_errors(
        year=year, name=name, starts_on=starts_on, ends_on=ends_on, min_contacts_per_channel=min_contacts_per_channel
    )
    if edition is not None and not errors and (starts_on, ends_on) != (edition.starts_on, edition.ends_on):
        # A counted contact is evidence dated inside its edition (scoring.md §1): moving the dates past it would strand it.
        # At the calendar's ends (year 1, 9999) a bound has no time before or after it: nothing lies beyond it.
        inside = Q()
        if starts_on > date.min + timedelta(days=1):
            inside &= Q(happened_at__gte=_local_midnight(starts_on))
        if ends_on < date.max - timedelta(days=1):
            inside &= Q(happened_at__lt=_local_midnight(ends_on + timedelta(days=1)))
        outside = edition.contacts.counted().exclude(inside).count()
        if outside:
            errors["starts_on"] = [_("%(n)s counted contacts would fall outside the new dates: void them first") % {"n": outside}]
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
    user: User | None = None,
    source: Source,
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
            history_record(subject=edition, action=Action.CREATE, changes=changes_between({}, values), user=user, source=source)
            edition_data_changed(edition_id=edition.pk)
            return edition, True
        changes = changes_between({k: getattr(edition, k) for k in values}, values)
        if not changes:
            return edition, False
        for key, value in values.items():
            setattr(edition, key, value)
        edition.save(update_fields=list(values))
        history_record(subject=edition, action=Action.UPDATE, changes=changes, user=user, source=source)
        if "min_contacts_per_channel" in changes:
            edition_data_changed(edition_id=edition.pk, participant_ids=())  # who qualifies moves; no one's points
        return edition, True


def class_ensure(*, edition: Edition, name: str, user: User | None = None, source: Source) -> tuple[AwardClass, bool]:
    award_class = AwardClass.objects.filter(edition=edition, name=name).first()
    if award_class is not None:
        return award_class, False
    award_class = AwardClass.objects.create(edition=edition, name=name, slug=_unique_slug(edition, name))
    history_record(subject=award_class, action=Action.CREATE, changes={"name": [None, name]}, user=user, source=source)
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
    if reasons := rules.name_errors(name):
        errors["name"] = reasons
    else:
        others = AwardClass.objects.filter(edition=edition, name=name)
        if award_class is not None:
            others = others.exclude(pk=award_class.pk)
        if others.exists():
            errors["name"] = [_("%(year)s already has a class named %(name)s") % {"year": edition.year, "name": name}]
    if errors:
        raise Invalid(errors)


def class_rename(*, award_class: AwardClass, name: str, user: User | None = None, source: Source) -> AwardClass:
    """Give a class a new name; its slug stays, so nothing that points at it breaks."""
    with transaction.atomic():
        award_class = AwardClass.objects.select_for_update().select_related("edition").get(pk=award_class.pk)
        if award_class.name == name:
            return award_class
        class_check(edition=award_class.edition, name=name, award_class=award_class)
        old, award_class.name = award_class.name, name
        award_class.save(update_fields=["name"])
        history_record(subject=award_class, action=Action.UPDATE, changes={"name": [old, name]}, user=user, source=source)
        return award_class


def _participant_name_errors(*, edition: Edition, name: str, participant: Participant | None) -> list[str]:
    if reasons := rules.name_errors(name):
        return reasons
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
        in_use = participant.contacts.counted().filter(channel__in=dropped).count() if dropped else 0
        if in_use:
            errors["channels"] = [
                _("%(name)s has %(n)s counted contacts in %(channels)s: void them before dropping the channel")
                % {"name": participant.name, "n": in_use, "channels": ", ".join(dropped)}
            ]
    if errors:
        raise Invalid(errors)


def participant_upsert(
    *, edition: Edition, name: str, award_class: AwardClass, channels: Iterable[str], user: User | None = None, source: Source
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
            history_record(subject=participant, action=Action.CREATE, changes=changes, user=user, source=source)
            edition_data_changed(edition_id=edition.pk, participant_ids=[participant.pk])
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
        history_record(subject=participant, action=Action.UPDATE, changes=changes, user=user, source=source)
        edition_data_changed(edition_id=edition.pk, participant_ids=[participant.pk])
        return participant, "updated"


def participant_rename(*, participant: Participant, name: str, user: User | None = None, source: Source) -> Participant:
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
        history_record(subject=participant, action=Action.UPDATE, changes={"name": [old, name]}, user=user, source=source)
        return participant


def participant_remove(*, participant: Participant, user: User | None = None, source: Source) -> None:
    """Withdraw a participant that has no contacts (one with contacts stays: its contacts are evidence)."""
    if participant.contacts.exists():
        raise Invalid({"name": [_("%(name)s has contacts and cannot be removed") % {"name": participant.name}]})
    with transaction.atomic():
        history_record(subject=participant, action=Action.DELETE, user=user, source=source)
        edition_id = participant.edition_id
        participant.delete()
        edition_data_changed(edition_id=edition_id, participant_ids=())  # it had no contacts: no points to sum again


def class_remove(*, award_class: AwardClass, user: User | None = None, source: Source) -> None:
    if award_class.participants.exists():
        raise Invalid({"classes": [_("%(name)s still has participants") % {"name": award_class.name}]})
    with transaction.atomic():
        history_record(subject=award_class, action=Action.DELETE, user=user, source=source)
        award_class.delete()


# The editions a batch of writes has changed so far (edition_changes_batched), or None outside a batch: edition id ->
# the participants whose contacts changed, None for all of the edition.
_batched: ContextVar[dict[int, set[int] | None] | None] = ContextVar("award_batched_edition_changes", default=None)


def edition_data_changed(*, edition_id: int, participant_ids: Iterable[int] | None = None) -> None:
    """Call inside the writing transaction of anything that can move a score: bump the data version, rescore after commit.

    The data version names what the standings must reflect (scoring.models.ScoringState);
    scoring listens to the signal and enqueues a rescoring when the transaction commits.
    `participant_ids` names the participants whose contacts or answers the write changed, so that the rescoring sums
    only theirs again (scoring.points); None, for a change it cannot tell, means all of the edition, and an empty list
    none (a setting of the edition that moves standings and no participant's points).
    Inside edition_changes_batched the edition is only noted, and bumped once at the batch's end.
    """
    changed = None if participant_ids is None else set(participant_ids)
    noted = _batched.get()
    if noted is not None:
        before = noted.get(edition_id, set())
        noted[edition_id] = None if before is None or changed is None else before | changed
        return
    Edition.objects.filter(pk=edition_id).update(data_version=F("data_version") + 1)
    data_changed_signal.send(sender=Edition, edition_id=edition_id, participant_ids=None if changed is None else sorted(changed))


@contextmanager
def edition_changes_batched() -> Iterator[None]:
    """Many writes in one transaction (an import): each changed edition gets one data version step and one rescoring.

    Use inside the writing transaction. When the block raises, nothing is bumped: its transaction rolls back too.
    A batch inside a batch is part of the outer one.
    """
    if _batched.get() is not None:
        yield
        return
    token = _batched.set({})
    try:
        yield
        noted = _batched.get() or {}
    finally:
        _batched.reset(token)
    for edition_id, participant_ids in sorted(noted.items()):
        edition_data_changed(edition_id=edition_id, participant_ids=participant_ids)
