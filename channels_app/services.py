"""Recording, changing and voiding contacts: the one place their rules are checked.

The admin, the CSV import and the commands all call these functions, so a rule
of scoring.md or bundle-format.md is written once.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from django.contrib.auth.models import Group, User
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.models import Action, Source
from audit.security import security_event_on_commit
from audit.services import changes_between, history_record
from award.models import CHANNEL_ORDER, Channel, Edition, Participant
from award.roles import JUDGES
from award.selectors import user_is_organiser
from award.services import Invalid, edition_data_changed
from channels_app.models import (
    Answer,
    Contact,
    ContactStatus,
    HandledBy,
    JudgeConflict,
    Question,
    WaitRule,
    answers_frozen,
)
from channels_app.planning import plan_link
from channels_app.rules import MAX_COMMENT, MAX_WAIT_SECONDS, wait_text
from channels_app.selectors import contact_answers, edition_conflicts, edition_questionnaire, edition_wait_rules
from channels_app.waiting import band_points, clock_text, limit_text, past_limit
from scoring import rules
from scoring.rules import BOT_CHANNELS

HANDLERS, STATUSES = tuple(HandledBy.values), tuple(ContactStatus.values)  # once: contact_clean runs per imported row


class ContactInvalid(Invalid):
    """A contact breaks a rule; errors maps a field (or `<channel>.<key>`) to its reasons."""


@dataclass
class ContactInput:
    """What a judge enters for one contact, before it is checked."""

    participant: Participant | None
    channel: str
    judge: User | None
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
    points: list[tuple[Question, int]]  # only answered questions, in the order given; the rest are N/A
    unchosen: list[str]  # a draft's questions with neither points nor N/A chosen yet (none once submitted)


def contact_clean(
    *,
    edition: Edition,
    data: ContactInput,
    questionnaire: dict[str, list[Question]] | None = None,
    conflicts: set[tuple[int, int]] | None = None,
    wait_rules: dict[str, WaitRule] | None = None,
) -> CleanContact:
    """Check one contact against every rule; raise ContactInvalid naming each bad field."""
    if questionnaire is None:
        questionnaire = edition_questionnaire(edition=edition)
    if wait_rules is None:
        wait_rules = edition_wait_rules(edition=edition)
    errors: dict[str, list[str]] = {}

    def bad(name: str, reason: str) -> None:
        errors.setdefault(name, []).append(reason)

    participant, channel = data.participant, data.channel
    if participant is None:
        bad("participant", _("required"))
    elif participant.edition_id != edition.pk:
        bad("participant", _("%(name)s is not a participant of %(edition)s") % {"name": participant, "edition": edition.year})
    if channel not in CHANNEL_ORDER:
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
        except OverflowError:  # at the very edge of the calendar (year 1 or 9999): its own date says where it is
            day = data.happened_at.date()
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
    if data.handled_by and data.handled_by not in HANDLERS:
        bad("handled_by", _("must be one of %(choices)s") % {"choices": ", ".join(HandledBy.values)})
    elif data.handled_by in rules.BOT_HANDLERS and channel not in BOT_CHANNELS:
        bad("handled_by", _("a chatbot can handle only chat and Messenger contacts"))
    if data.answered and not data.handled_by and data.status != ContactStatus.DRAFT:  # a draft may leave it open
        bad("handled_by", _("required when the contact was answered"))
    if not data.answered:
        if data.wait_seconds is not None:
            bad("wait_seconds", _("must be empty when the contact was not answered"))
        if data.handled_by:
            bad("handled_by", _("must be empty when the contact was not answered"))

    if data.status not in STATUSES:
        bad("status", _("must be one of %(choices)s") % {"choices": ", ".join(ContactStatus.values)})
    if data.voided and not data.void_reason.strip():
        bad("void_reason", _("give a reason for voiding the contact"))

    questions = {question.key: question for question in questionnaire.get(channel, [])}
    chosen = _wait_checked(data, wait_rules.get(channel), questions, bad)
    points: list[tuple[Question, int]] = []  # pairs, not a dict: a model's hash costs, and an import checks many rows
    for key, value in chosen.items():
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
            points.append((question, value))

    # Every question needs an explicit choice, points or N/A, before the contact counts: one forgotten would
    # drop out of the points possible and raise the score. A draft may wait; a contact nobody answered has none.
    unchosen = [key for key in questions if key not in chosen] if data.answered else []
    if unchosen and data.status != ContactStatus.DRAFT:
        for key in unchosen:
            bad(f"{channel}.{key}", _("choose the points, or N/A"))

    score = Decimal(0)
    if not errors and not unchosen:
        given = {question.key: value for question, value in points}
        answers = [rules.AnswerValue(given.get(key), q.max_points, q.counts) for key, q in questions.items()]
        try:
            score = rules.contact_score(answered=data.answered, answers=answers)
        except rules.NoCountedAnswer:
            # A draft may be saved half-filled: it counts nowhere until it is submitted.
            if data.status != ContactStatus.DRAFT:
                bad("answered", _("an answered contact needs at least one counted question answered"))
    if errors:
        raise ContactInvalid(errors)
    return CleanContact(data=data, score=score, points=points, unchosen=unchosen)


def _wait_checked(
    data: ContactInput, rule: WaitRule | None, questions: dict[str, Question], bad: Callable[[str, str], None]
) -> dict[str, int | None]:
    """The contact's answers, with the waiting-time question scored from the wait where the edition has bands for it;
    a wait past the channel's limit, or points that differ from the bands', is refused (docs/waiting-time.md)."""
    if rule is None or not data.answered:
        return data.answers
    channel, wait = data.channel, data.wait_seconds
    if wait is not None and 0 <= wait <= MAX_WAIT_SECONDS and data.happened_at is not None:  # (else refused already)
        local = timezone.localtime(data.happened_at)
        if past_limit(
            wait_seconds=wait, happened_at=local, limit_seconds=rule.limit_seconds, limit_working_days=rule.limit_working_days
        ):
            values = {
                "wait": wait_text(wait) if rule.limit_working_days is not None else clock_text(wait),
                "limit": limit_text(limit_seconds=rule.limit_seconds, limit_working_days=rule.limit_working_days),
                "channel": Channel(channel).label,
            }
            bad(
                "wait_seconds",
                _("a wait of %(wait)s is past the limit for %(channel)s (%(limit)s): log the contact as not answered") % values,
            )
    question = questions.get(rule.question_key)
    if not rule.bands or question is None:
        return data.answers
    if wait is None:
        if data.status != ContactStatus.DRAFT:
            bad("wait_seconds", _("required: the wait scores the question “%(question)s”") % {"question": question.text})
        return data.answers
    earned = band_points(rule.bands, wait)
    if rule.question_key in data.answers and data.answers[rule.question_key] != earned:
        given = data.answers[rule.question_key]
        bad(
            f"{channel}.{rule.question_key}",
            _("a wait of %(wait)s earns %(points)s by the edition's bands, not %(given)s")
            % {"wait": clock_text(wait), "points": earned, "given": _("N/A") if given is None else given},
        )
    return {**data.answers, rule.question_key: earned}


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
    "unchosen",
)


def contact_snapshot(contact: Contact, answers: dict[str, int | None]) -> dict[str, Any]:
    """What a contact's history compares: its tracked fields (names for participant and judge) and its points by column."""
    values = {name: getattr(contact, name) for name in TRACKED_FIELDS if name not in ("participant", "judge")}
    # Names, not ids, in the history; resolved without a query when the row is new.
    values["participant"] = contact.participant.name if contact.participant_id else None
    values["judge"] = contact.judge.get_username() if contact.judge_id else None
    values["happened_at"] = contact.happened_at.astimezone(UTC) if contact.happened_at else None
    values.update({f"{contact.channel}.{key}": points for key, points in answers.items() if points is not None})
    return values


def contact_apply(contact: Contact, clean: CleanContact) -> None:
    """Set a contact's fields from a checked input (not saved): what contact_record and the import write."""
    data = clean.data
    for name in ("participant", "channel", "judge", "happened_at", "answered", "wait_seconds", "handled_by", "comment"):
        setattr(contact, name, getattr(data, name))
    contact.status, contact.voided, contact.void_reason = data.status, data.voided, data.void_reason
    contact.score, contact.unchosen = clean.score, list(clean.unchosen)
    contact.answers_frozen = answers_frozen((question.pk, points) for question, points in clean.points)


def contact_record(
    *,
    edition: Edition,
    data: ContactInput,
    ref: str = "",
    user: User | None = None,
    source: Source,
    questionnaire: dict[str, list[Question]] | None = None,
    conflicts: set[tuple[int, int]] | None = None,
    wait_rules: dict[str, WaitRule] | None = None,
    reason: str = "",
) -> tuple[Contact, str]:
    """Create the contact, or update the one with this ref; return it and created/updated/unchanged.

    Every change is kept in the contact's history; a change that can move a
    score bumps the edition's data version and enqueues a rescoring. After the
    edition's final publication only organisers may change contacts, with a reason.
    """
    clean = contact_clean(edition=edition, data=data, questionnaire=questionnaire, conflicts=conflicts, wait_rules=wait_rules)
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
            before = contact_snapshot(contact, contact_answers(contact=contact))
            was_counted = contact.counted
        was_of = contact.participant_id  # a contact moved to another participant changes both participants' points

        contact_apply(contact, clean)
        after = contact_snapshot(contact, {question.key: value for question, value in clean.points})
        changes = changes_between(before, after)
        if before and not changes:
            return contact, "unchanged"
        contact_check_unlocked(edition=edition, user=user, reason=reason)

        created = not before
        contact.save()
        if not created:
            contact.answers.all().delete()
        Answer.objects.bulk_create(
            Answer(contact=contact, question=q, points=p, max_points=q.max_points) for q, p in clean.points
        )
        history_record(
            subject=contact,
            action=Action.CREATE if created else Action.UPDATE,
            changes=changes,
            user=user,
            source=source,
            note=reason.strip(),
        )
        if was_counted or contact.counted:
            changed = {contact.participant_id} | ({was_of} if was_of is not None else set())
            edition_data_changed(edition_id=edition.pk, participant_ids=changed)
        voiding_logged(contact=contact, year=edition.year, changes=changes, user=user, source=source)
        plan_link(contact=contact)  # done in the judge's work list at once; an unanswered call gets its second try
        return contact, "created" if created else "updated"


def contact_void(*, contact: Contact, reason: str, user: User | None = None, source: Source) -> Contact:
    """Void a contact: it stays, with its reason, and counts nowhere (scoring.md §1)."""
    if not reason.strip():
        raise ContactInvalid({"void_reason": [_("give a reason for voiding the contact")]})
    contact_check_unlocked(edition=contact.edition, user=user, reason=reason)
    year = contact.edition.year
    with transaction.atomic():
        contact = Contact.objects.select_for_update().get(pk=contact.pk)
        if contact.voided:
            return contact
        was_counted = contact.counted
        contact.voided, contact.void_reason = True, reason.strip()
        contact.save(update_fields=["voided", "void_reason", "updated_at"])
        changes: dict[str, list[Any]] = {"voided": [False, True], "void_reason": ["", contact.void_reason]}
        history_record(subject=contact, action=Action.UPDATE, changes=changes, user=user, source=source)
        voiding_logged(contact=contact, year=year, changes=changes, user=user, source=source)
        if was_counted:
            edition_data_changed(edition_id=contact.edition_id, participant_ids=[contact.participant_id])
    return contact


def contact_restore(*, contact: Contact, reason: str, user: User | None = None, source: Source) -> Contact:
    """Undo a voiding, with a reason kept in the contact's history: it counts again if it was submitted."""
    if not reason.strip():
        raise ContactInvalid({"reason": [_("give a reason for restoring the contact")]})
    contact_check_unlocked(edition=contact.edition, user=user, reason=reason)
    year = contact.edition.year
    with transaction.atomic():
        contact = Contact.objects.select_for_update().get(pk=contact.pk)
        if not contact.voided:
            return contact
        changes: dict[str, list[Any]] = {"voided": [True, False], "void_reason": [contact.void_reason, ""]}
        contact.voided, contact.void_reason = False, ""
        contact.save(update_fields=["voided", "void_reason", "updated_at"])
        history_record(subject=contact, action=Action.UPDATE, changes=changes, user=user, source=source, note=reason.strip())
        voiding_logged(contact=contact, year=year, changes=changes, user=user, source=source)
        if contact.counted:
            edition_data_changed(edition_id=contact.edition_id, participant_ids=[contact.participant_id])
    return contact


def voiding_logged(*, contact: Contact, year: int, changes: dict[str, list[Any]], user: User | None, source: Source) -> None:
    """A change of `voided` (by contact_void, contact_restore, a contact saved or imported voided) in the security log."""
    old, new = changes.get("voided", [None, None])
    if bool(old) != bool(new):
        event = "contact.void" if new else "contact.restore"
        security_event_on_commit(event, user=user, contact=contact.pk, ref=contact.ref, edition=year, source=source)


def contacts_locked_for(*, edition: Edition, user: User | None) -> bool:
    """docs/architecture.md: after the final publication contacts are locked for everyone but organisers (who give a reason).

    Commands run by an organiser at the server (user None) count as organisers.
    """
    return edition.is_final and user is not None and not user_is_organiser(user)


def closed_message(edition: Edition) -> str:
    """What a judge reads when the edition no longer takes their contacts."""
    return _("The final results of %(year)s are published: the edition is closed, and its contacts can no longer be changed.") % {
        "year": edition.year
    }


def voided_message() -> str:
    """What anyone reads on a voided contact."""
    return _("This contact is voided: it counts nowhere and cannot be changed. An organiser can restore it, with a reason.")


def contact_check_unlocked(*, edition: Edition, user: User | None, reason: str) -> None:
    """Refuse a change that contacts_locked_for forbids, or that comes without a reason after the final publication."""
    if not edition.is_final:
        return
    if contacts_locked_for(edition=edition, user=user):
        raise ContactInvalid({"__all__": [closed_message(edition)]})
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


def judge_ensure(*, username: str) -> User:
    """The judge with this username; a missing one is created as staff without a usable password."""
    judge, created = User.objects.get_or_create(username=username, defaults={"is_staff": True})
    if created:
        judge.set_unusable_password()
        judge.save(update_fields=["password"])
        group, _ = Group.objects.get_or_create(name=JUDGES)
        judge.groups.add(group)
    return judge


def conflict_declare(
    *, judge: User, participant: Participant, reason: str = "", user: User | None = None, source: Source
) -> JudgeConflict:
    """A judge's conflict of interest: from now on they cannot log a contact for the participant."""
    with transaction.atomic():
        conflict, created = JudgeConflict.objects.get_or_create(judge=judge, participant=participant, defaults={"reason": reason})
        if created:
            history_record(
                subject=conflict,
                action=Action.CREATE,
                changes={
                    "judge": [None, judge.get_username()],
                    "participant": [None, participant.name],
                    "reason": [None, reason],
                },
                user=user,
                source=source,
            )
        return conflict


def conflict_withdraw(*, conflict: JudgeConflict, user: User | None = None, source: Source) -> None:
    with transaction.atomic():
        history_record(subject=conflict, action=Action.DELETE, user=user, source=source)
        conflict.delete()
