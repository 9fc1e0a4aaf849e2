"""Recording, changing and voiding contacts: the one place their rules are checked.

The admin, the CSV import and the commands all call these functions, so a rule
of scoring.md or bundle-format.md is written once.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser, Group
from django.db import transaction
from django.db.models import BigIntegerField, Exists, F, OuterRef, Subquery, Sum
from django.db.models.functions import Cast
from django.utils import timezone
from django.utils.translation import gettext as _

from award.history import changes_between, history_record
from award.models import ChangeRecord, Channel, Edition, Participant, Publication, PublicationKind
from award.roles import JUDGES
from award.selectors import user_is_organiser
from award.services import Invalid
from channels_app.models import BOT_CHANNELS, Answer, Contact, ContactStatus, HandledBy, JudgeConflict, Question
from channels_app.selectors import contact_answers, edition_conflicts, edition_questionnaire
from scoring import rules
from scoring.services import edition_data_changed

MAX_WAIT_SECONDS = 30 * 24 * 3600  # a month: anything longer is a typing error
MAX_COMMENT = 10_000


class ContactInvalid(Invalid):
    """A contact breaks a rule; errors maps a field (or `<channel>.<key>`) to its reasons."""


@dataclass
class ContactInput:
    """What a judge enters for one contact, before it is checked."""

    participant: Participant | None
    channel: str
    judge: Any
    happened_at: datetime | None
    answered: bool
    wait_seconds: int | None = None
    handled_by: str = ""
    comment: str = ""
    answers: dict[str, int | None] = field(default_factory=dict)  # question key -> points, None is N/A
    status: str = ContactStatus.SUBMITTED
    voided: bool = False
    void_reason: str = ""


@dataclass
class CleanContact:
    data: ContactInput
    score: Decimal
    points: dict[Question, int]  # only answered questions; the rest are N/A


def contact_clean(
    *,
    edition: Edition,
    data: ContactInput,
    questionnaire: dict[str, list[Question]] | None = None,
    conflicts: set[tuple[int, int]] | None = None,
) -> CleanContact:
    """Check one contact against every rule; raise ContactInvalid naming each bad field."""
    if questionnaire is None:
        questionnaire = edition_questionnaire(edition=edition)
    errors: dict[str, list[str]] = {}

    def bad(name: str, reason: str) -> None:
        errors.setdefault(name, []).append(reason)

    participant, channel = data.participant, data.channel
    if participant is None:
        bad("participant", _("required"))
    elif participant.edition_id != edition.pk:
        bad("participant", _("%(name)s is not a participant of %(edition)s") % {"name": participant, "edition": edition.year})
    if channel not in Channel.values:
        bad("channel", _("must be one of %(choices)s") % {"choices": ", ".join(Channel.values)})
    elif channel not in questionnaire:
        bad("channel", _("the edition has no questionnaire for %(channel)s") % {"channel": channel})
    elif participant is not None and channel not in participant.channels:
        bad("channel", _("%(name)s does not offer %(channel)s") % {"name": participant, "channel": channel})

    if data.judge is None:
        bad("judge", _("required"))
    elif participant is not None:
        if conflicts is None:
            conflicts = edition_conflicts(edition=edition)
        if (data.judge.pk, participant.pk) in conflicts:
            bad(
                "judge",
                _("%(judge)s has declared a conflict of interest with %(name)s") % {"judge": data.judge, "name": participant},
            )

    if data.happened_at is None:
        bad("happened_at", _("required"))
    else:
        try:
            day = timezone.localtime(data.happened_at).date()
        except OverflowError:
            day = date.min
        if not edition.starts_on <= day <= edition.ends_on:
            bad(
                "happened_at",
                _("%(day)s is outside the edition (%(start)s to %(end)s)")
                % {"day": day.isoformat(), "start": edition.starts_on.isoformat(), "end": edition.ends_on.isoformat()},
            )

    if data.wait_seconds is not None and not 0 <= data.wait_seconds <= MAX_WAIT_SECONDS:
        bad("wait_seconds", _("must be whole seconds from 0 to %(max)s") % {"max": MAX_WAIT_SECONDS})
    if len(data.comment) > MAX_COMMENT:
        bad("comment", _("at most %(n)s characters") % {"n": MAX_COMMENT})
    if data.handled_by and data.handled_by not in HandledBy.values:
        bad("handled_by", _("must be one of %(choices)s") % {"choices": ", ".join(HandledBy.values)})
    elif data.handled_by in (HandledBy.BOT, HandledBy.BOT_TO_AGENT) and channel not in BOT_CHANNELS:
        bad("handled_by", _("a chatbot can handle only chat and Messenger contacts"))
    if data.answered and not data.handled_by:
        bad("handled_by", _("required when the contact was answered"))
    if not data.answered:
        if data.wait_seconds is not None:
            bad("wait_seconds", _("must be empty when the contact was not answered"))
        if data.handled_by:
            bad("handled_by", _("must be empty when the contact was not answered"))

    if data.status not in ContactStatus.values:
        bad("status", _("must be one of %(choices)s") % {"choices": ", ".join(ContactStatus.values)})
    if data.voided and not data.void_reason.strip():
        bad("void_reason", _("give a reason for voiding the contact"))

    questions = {question.key: question for question in questionnaire.get(channel, [])}
    points: dict[Question, int] = {}
    for key, value in data.answers.items():
        name = f"{channel}.{key}"
        question = questions.get(key)
        if question is None:
            bad(name, _("no such question in the %(channel)s questionnaire") % {"channel": channel})
        elif value is None:
            continue
        elif not data.answered:
            bad(name, _("must be empty when the contact was not answered"))
        elif not 0 <= value <= question.max_points:
            bad(name, _("%(value)s is out of range 0 to %(max)s") % {"value": value, "max": question.max_points})
        else:
            points[question] = value

    score = Decimal(0)
    if not errors:
        answers = [rules.AnswerValue(points.get(q), q.max_points, q.counts) for q in questions.values()]
        try:
            score = rules.contact_score(answered=data.answered, answers=answers)
        except rules.NoCountedAnswer:
            # A draft may be saved half-filled: it counts nowhere until it is submitted.
            if data.status != ContactStatus.DRAFT:
                bad("answered", _("an answered contact needs at least one counted question answered"))
    if errors:
        raise ContactInvalid(errors)
    return CleanContact(data=data, score=score, points=points)


# The fields a contact's history and its "unchanged" check compare.
TRACKED_FIELDS = (
    "participant",
    "channel",
    "judge",
    "happened_at",
    "answered",
    "wait_seconds",
    "handled_by",
    "comment",
    "status",
    "voided",
    "void_reason",
    "score",
)


def _snapshot(contact: Contact, answers: dict[str, int | None]) -> dict[str, Any]:
    values = {name: getattr(contact, name) for name in TRACKED_FIELDS if name not in ("participant", "judge")}
    # Names, not ids, in the history; resolved without a query when the row is new.
    values["participant"] = contact.participant.name if contact.participant_id else None
    values["judge"] = contact.judge.get_username() if contact.judge_id else None
    values["happened_at"] = contact.happened_at.astimezone(UTC) if contact.happened_at else None
    values.update({f"{contact.channel}.{key}": points for key, points in answers.items() if points is not None})
    return values


def contact_record(
    *,
    edition: Edition,
    data: ContactInput,
    ref: str = "",
    user: Any = None,
    source: str,
    questionnaire: dict[str, list[Question]] | None = None,
    conflicts: set[tuple[int, int]] | None = None,
    reason: str = "",
) -> tuple[Contact, str]:
    """Create the contact, or update the one with this ref; return it and created/updated/unchanged.

    Every change is kept in the contact's history; a change that can move a
    score bumps the edition's data version and enqueues a rescoring. After the
    edition's final publication only organisers may change contacts, with a reason.
    """
    clean = contact_clean(edition=edition, data=data, questionnaire=questionnaire, conflicts=conflicts)
    with transaction.atomic():
        contact = (
            Contact.objects.select_for_update(of=("self",))
            .select_related("participant", "judge")
            .filter(edition=edition, ref=ref)
            .first()
            if ref
            else None
        )
        if contact is None:
            contact = Contact(edition=edition, ref=ref or _new_ref(data.channel))
            before: dict[str, Any] = {}
            was_counted = False
        else:
            before = _snapshot(contact, contact_answers(contact=contact))
            was_counted = contact.counted

        for name in ("participant", "channel", "judge", "happened_at", "answered", "wait_seconds", "handled_by", "comment"):
            setattr(contact, name, getattr(data, name))
        contact.status, contact.voided, contact.void_reason = data.status, data.voided, data.void_reason
        contact.score = clean.score
        after = _snapshot(contact, {question.key: value for question, value in clean.points.items()})
        changes = changes_between(before, after)
        if before and not changes:
            return contact, "unchanged"
        contact_check_unlocked(edition=edition, user=user, reason=reason, source=source)

        created = not before
        contact.save()
        if not created:
            contact.answers.all().delete()
        Answer.objects.bulk_create(
            Answer(contact=contact, question=q, points=p, max_points=q.max_points) for q, p in clean.points.items()
        )
        history_record(
            subject=contact,
            action=ChangeRecord.Action.CREATE if created else ChangeRecord.Action.UPDATE,
            changes=changes,
            user=user,
            source=source,
            note=reason.strip(),
        )
        if was_counted or contact.counted:
            edition_data_changed(edition_id=edition.pk)
        return contact, "created" if created else "updated"


def contact_void(*, contact: Contact, reason: str, user: Any = None, source: str) -> Contact:
    """Void a contact: it stays, with its reason, and counts nowhere (scoring.md §1)."""
    if not reason.strip():
        raise ContactInvalid({"void_reason": [_("give a reason for voiding the contact")]})
    contact_check_unlocked(edition=contact.edition, user=user, reason=reason, source=source)
    with transaction.atomic():
        contact = Contact.objects.select_for_update().get(pk=contact.pk)
        if contact.voided:
            return contact
        was_counted = contact.counted
        contact.voided, contact.void_reason = True, reason.strip()
        contact.save(update_fields=["voided", "void_reason", "updated_at"])
        history_record(
            subject=contact,
            action=ChangeRecord.Action.UPDATE,
            changes={"voided": [False, True], "void_reason": ["", contact.void_reason]},
            user=user,
            source=source,
        )
        if was_counted:
            edition_data_changed(edition_id=contact.edition_id)
    return contact


def edition_is_final(*, edition: Edition) -> bool:
    return Publication.objects.filter(edition=edition, kind=PublicationKind.FINAL).exists()


def contact_check_unlocked(*, edition: Edition, user: Any, reason: str, source: str) -> None:
    """After the final publication contacts are locked for everyone but organisers, who give a reason.

    Commands run by an organiser at the server (user None, source "command" or "import") count as organisers.
    """
    if not edition_is_final(edition=edition):
        return
    if user is not None and not user_is_organiser(user):
        raise ContactInvalid(
            {"__all__": [_("The final results of %(year)s are published: contacts are locked.") % {"year": edition.year}]}
        )
    if not reason.strip():
        raise ContactInvalid(
            {
                "reason": [
                    _("The final results of %(year)s are published: give a reason for this change.") % {"year": edition.year}
                ]
            }
        )


def _new_ref(channel: str) -> str:
    return f"{channel[:1].upper()}-{uuid.uuid4().hex[:10]}"


def judge_ensure(*, username: str) -> AbstractBaseUser:
    """The judge with this username; a missing one is created as staff without a usable password."""
    User = get_user_model()
    judge, created = User.objects.get_or_create(username=username, defaults={"is_staff": True})
    if created:
        judge.set_unusable_password()
        judge.save(update_fields=["password"])
        group, _ = Group.objects.get_or_create(name=JUDGES)
        judge.groups.add(group)
    return judge


def question_upsert(
    *,
    edition: Edition,
    channel: str,
    key: str,
    text: str,
    area: str,
    max_points: int,
    counts: bool,
    position: int,
    user: Any = None,
    source: str,
) -> tuple[Question, str]:
    """Create or update one question; a new maximum or `counts` rescores the contacts it touches."""
    values = {"text": text, "area": area, "max_points": max_points, "counts": counts, "position": position}
    with transaction.atomic():
        question = Question.objects.select_for_update().filter(edition=edition, channel=channel, key=key).first()
        if question is None:
            question = Question.objects.create(edition=edition, channel=channel, key=key, **values)
            history_record(
                subject=question, action=ChangeRecord.Action.CREATE, changes=changes_between({}, values), user=user, source=source
            )
            return question, "created"
        changes = changes_between({name: getattr(question, name) for name in values}, values)
        if not changes:
            return question, "unchanged"
        if "max_points" in changes:
            too_high = question.answers.filter(points__gt=max_points).count()
            if too_high:
                raise ContactInvalid(
                    {"max_points": [_("%(n)s answers give more than %(max)s points") % {"n": too_high, "max": max_points}]}
                )
        for name, value in values.items():
            setattr(question, name, value)
        question.save()
        if "max_points" in changes:
            question.answers.update(max_points=max_points)
        history_record(subject=question, action=ChangeRecord.Action.UPDATE, changes=changes, user=user, source=source)
        if {"max_points", "counts"} & set(changes):
            contact_scores_refresh(edition=edition, channel=channel)
        return question, "updated"


def contact_scores_refresh(*, edition: Edition, channel: str) -> int:
    """Recompute the stored scores of the channel's answered contacts in one UPDATE (scoring.md §1).

    Refuses (ContactInvalid) when an answered contact would be left with no
    counted question answered.
    """
    counted_answers = Answer.objects.filter(contact=OuterRef("pk"), question__counts=True, points__isnull=False)
    contacts = Contact.objects.filter(edition=edition, channel=channel, answered=True)
    # A half-filled draft may have no counted answer (it counts nowhere); a submitted contact may not.
    contacts.filter(status=ContactStatus.DRAFT).exclude(Exists(counted_answers)).update(score=0)
    contacts = contacts.filter(Exists(counted_answers))
    stranded = (
        Contact.objects.filter(edition=edition, channel=channel, answered=True, status=ContactStatus.SUBMITTED)
        .exclude(Exists(counted_answers))
        .values_list("ref", flat=True)[:10]
    )
    if stranded:
        raise ContactInvalid(
            {"counts": [_("contacts %(refs)s would have no counted question answered") % {"refs": ", ".join(stranded)}]}
        )
    # scoring.md §1 in integers: units = round_half_up(1,000,000 x points / possible).
    sums = (
        counted_answers.order_by()
        .values("contact")
        .annotate(points=Cast(Sum("points"), BigIntegerField()), possible=Cast(Sum("question__max_points"), BigIntegerField()))
    )
    units = sums.annotate(units=(2 * 100 * rules.UNITS * F("points") + F("possible")) / (2 * F("possible"))).values("units")
    updated = contacts.update(score=Subquery(units, output_field=BigIntegerField()))
    if updated:
        edition_data_changed(edition_id=edition.pk)
    return updated


def question_remove(*, question: Question, user: Any = None, source: str) -> None:
    """Take a question out of its questionnaire; one that has answers stays (they are evidence)."""
    if question.answers.exists():
        raise ContactInvalid({"key": [_("%(key)s has answers and cannot be removed") % {"key": question.key}]})
    with transaction.atomic():
        history_record(subject=question, action=ChangeRecord.Action.DELETE, user=user, source=source)
        question.delete()


def conflict_declare(*, judge: Any, participant: Participant, reason: str = "", user: Any = None, source: str) -> JudgeConflict:
    """A judge's conflict of interest: from now on they cannot log a contact for the participant."""
    with transaction.atomic():
        conflict, created = JudgeConflict.objects.get_or_create(judge=judge, participant=participant, defaults={"reason": reason})
        if created:
            history_record(
                subject=conflict,
                action=ChangeRecord.Action.CREATE,
                changes={
                    "judge": [None, judge.get_username()],
                    "participant": [None, participant.name],
                    "reason": [None, reason],
                },
                user=user,
                source=source,
            )
        return conflict


def conflict_withdraw(*, conflict: JudgeConflict, user: Any = None, source: str) -> None:
    with transaction.atomic():
        history_record(subject=conflict, action=ChangeRecord.Action.DELETE, user=user, source=source)
        conflict.delete()


class _DryRun(Exception):
    pass


def question_check(*, question: Question, **values: Any) -> dict[str, list[str]]:
    """What question_upsert would refuse for these values, found by running it and rolling back."""
    try:
        with transaction.atomic():
            question_upsert(edition=question.edition, channel=question.channel, key=question.key, source="check", **values)
            raise _DryRun
    except _DryRun:
        return {}
    except ContactInvalid as invalid:
        return invalid.errors
