"""Reads of questionnaires and contacts that more than one caller needs."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from django.contrib.auth.models import User
from django.db.models import Count, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from award.models import CHANNEL_ORDER, Edition, Participant
from award.roles import JUDGES
from channels_app.models import Contact, ContactStatus, JudgeConflict, PlannedContact, Question, WaitRule


def edition_questionnaire(*, edition: Edition) -> dict[str, list[Question]]:
    """Each channel's questions in order; a channel missing here has no questionnaire."""
    questionnaire: dict[str, list[Question]] = defaultdict(list)
    for question in Question.objects.filter(edition=edition).order_by("channel", "position", "pk"):
        questionnaire[question.channel].append(question)
    return dict(questionnaire)


def edition_wait_rules(*, edition: Edition) -> dict[str, WaitRule]:
    """channel -> the edition's waiting-time rule; a channel missing here has no limit and no bands."""
    return {rule.channel: rule for rule in WaitRule.objects.filter(edition=edition)}


def wait_scored_key(*, edition_id: int, channel: str) -> str:
    """The key of the question a channel's wait scores by the edition's bands; empty when none does."""
    rule = WaitRule.objects.filter(edition_id=edition_id, channel=channel).only("question_key", "bands").first()
    return rule.question_key if rule is not None and rule.bands else ""


def edition_conflicts(*, edition: Edition) -> set[tuple[int, int]]:
    """(judge id, participant id) of every declared conflict in the edition: what contact_clean refuses."""
    return set(JudgeConflict.objects.filter(participant__edition=edition).values_list("judge_id", "participant_id"))


def participants_for_contact(*, edition: Edition, channel: str, judge: User | None) -> QuerySet[Participant]:
    """The participants a judge may log a contact with in a channel: those offering it, less the judge's conflicts."""
    participants = Participant.objects.filter(edition=edition, offered_channels__channel=channel)
    if judge is not None and judge.pk is not None:
        participants = participants.exclude(pk__in=JudgeConflict.objects.filter(judge=judge).values("participant_id"))
    return participants.order_by("name")


def contact_answers(*, contact: Contact) -> dict[str, int | None]:
    """question key -> points for the answers a contact has (a missing key is N/A)."""
    return dict(contact.answers.values_list("question__key", "points"))


@dataclass(frozen=True)
class AnswerLine:
    question: Question
    points: int | None  # None: N/A


def contact_answer_lines(*, contact: Contact) -> list[AnswerLine]:
    """Every question of the contact's channel in questionnaire order, with the points given (N/A where none)."""
    points = dict(contact.answers.values_list("question_id", "points"))
    questions = Question.objects.filter(edition_id=contact.edition_id, channel=contact.channel).order_by("position", "pk")
    return [AnswerLine(question, points.get(question.pk)) for question in questions]


def conflicts_with_counted(conflicts: QuerySet[JudgeConflict]) -> QuerySet[JudgeConflict]:
    """Each conflict with `counted`: the counted contacts its judge made with its participant before declaring it,
    each one to review (void it, or keep it with a reason). One subquery, whatever the number of conflicts."""
    counted = (
        Contact.objects.counted()
        .filter(judge_id=OuterRef("judge_id"), participant_id=OuterRef("participant_id"))
        .values("participant_id")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return conflicts.annotate(counted=Coalesce(Subquery(counted), 0))


def conflicted_contacts(*, judge_id: int, participant_id: int) -> QuerySet[Contact]:
    """The counted contacts a judge made with a participant they declared a conflict with (made before it: to review)."""
    return Contact.objects.counted().filter(judge_id=judge_id, participant_id=participant_id).order_by("happened_at", "pk")


@dataclass(frozen=True)
class JudgeWork:
    """A judge's part of an edition's plan, as "My work" shows it."""

    edition: Edition
    week_start: date
    due: list[PlannedContact]  # first tries planned this week, not done
    overdue: list[PlannedContact]  # planned before this week, not done
    second_tries: list[PlannedContact]  # not done
    done: list[PlannedContact]  # the latest done, newest first
    drafts: list[Contact]  # saved, not yet submitted: they count nowhere
    done_count: int
    planned_count: int


RECENT_DONE = 20


def judge_work(*, judge: User, edition: Edition, today: date) -> JudgeWork:
    """The judge's planned contacts of the edition: a fixed number of queries whatever the plan's size."""
    week_start = today - timedelta(days=today.weekday())
    next_week = week_start + timedelta(days=7)
    mine = PlannedContact.objects.filter(edition=edition, judge=judge).select_related("participant")
    pending = list(mine.filter(contact__isnull=True).order_by("planned_at", "pk"))
    local = [(entry, timezone.localtime(entry.planned_at).date()) for entry in pending]
    counts = mine.aggregate(planned=Count("pk", filter=Q(attempt=1)), done=Count("pk", filter=Q(contact__isnull=False)))
    return JudgeWork(
        edition=edition,
        week_start=week_start,
        due=[entry for entry, day in local if entry.attempt == 1 and week_start <= day < next_week],
        overdue=[entry for entry, day in local if entry.attempt == 1 and day < week_start],
        second_tries=[entry for entry, day in local if entry.attempt == 2 and day < next_week],
        done=list(
            mine.filter(contact__isnull=False).select_related("contact").order_by("-contact__happened_at", "-pk")[:RECENT_DONE]
        ),
        drafts=list(judge_drafts(judge=judge, edition=edition)[:RECENT_DONE]),
        done_count=counts["done"],
        planned_count=counts["planned"],
    )


def judge_drafts(*, judge: User, edition: Edition) -> QuerySet[Contact]:
    """A judge's drafts of the edition (not voided), the latest saved first."""
    return (
        Contact.objects.filter(edition=edition, judge=judge, status=ContactStatus.DRAFT, voided=False)
        .select_related("participant")
        .order_by("-updated_at", "-pk")
    )


def is_judge(user: Any) -> bool:
    """Whether the account is in the Judges group (the judges' own pages are theirs)."""
    return bool(getattr(user, "is_authenticated", False) and user.is_active and user.groups.filter(name=JUDGES).exists())


@dataclass(frozen=True)
class SeasonCell:
    planned: int  # in the plan, second tries included
    done: int
    due: int  # planned before now
    projected: int  # done, and what the plan still has to come: what the channel ends with if all is made

    @property
    def heat(self) -> str:
        """on-track (done all that was due), behind (at least three quarters), late (less)."""
        if self.due == 0 or self.done >= self.due:
            return "on-track"
        return "behind" if self.done * 4 >= self.due * 3 else "late"


@dataclass(frozen=True)
class SeasonRow:
    participant: Participant
    cells: dict[str, SeasonCell]  # by channel, only the channels in its plan
    short: list[str]  # channels that would end below the edition's minimum even if every planned contact is made


@dataclass(frozen=True)
class JudgeLoad:
    username: str
    behind: int  # planned before now, not done
    done: int
    drafts: int


@dataclass(frozen=True)
class Season:
    rows: list[SeasonRow]
    judges: list[JudgeLoad]  # the most behind first
    drafts: int
    channels: list[str]


def edition_season(*, edition: Edition, now: datetime) -> Season:
    """The organiser's view of the field work: done against planned per participant and channel, judges behind,
    who would end below the minimum, drafts waiting. A fixed number of queries whatever the edition's size."""
    grouped = (
        PlannedContact.objects.filter(edition=edition)
        .values("participant_id", "channel")
        .annotate(
            n_planned=Count("pk"),  # first tries and second tries alike, as `done` counts them
            n_done=Count("pk", filter=Q(contact__isnull=False)),
            n_due=Count("pk", filter=Q(planned_at__lt=now)),
            n_pending=Count("pk", filter=Q(contact__isnull=True)),
        )
    )
    cells: dict[int, dict[str, SeasonCell]] = defaultdict(dict)
    for row in grouped:
        cells[row["participant_id"]][row["channel"]] = SeasonCell(
            planned=row["n_planned"], done=row["n_done"], due=row["n_due"], projected=row["n_done"] + row["n_pending"]
        )
    participants = Participant.objects.filter(edition=edition, pk__in=cells).order_by("name")
    rows = [
        SeasonRow(
            participant=participant,
            cells=cells[participant.pk],
            short=[c for c, cell in cells[participant.pk].items() if cell.projected < edition.min_contacts_per_channel],
        )
        for participant in participants
    ]
    drafts = dict(
        Contact.objects.filter(edition=edition, status=ContactStatus.DRAFT, voided=False)
        .values_list("judge__username")
        .annotate(n=Count("pk"))
        .order_by()
    )
    loads = (
        PlannedContact.objects.filter(edition=edition, judge__isnull=False)
        .values_list("judge__username")
        .annotate(
            n_behind=Count("pk", filter=Q(planned_at__lt=now, contact__isnull=True)),
            n_done=Count("pk", filter=Q(contact__isnull=False)),
        )
        .order_by()
    )
    judges = sorted(
        (JudgeLoad(username, behind, done, drafts.get(username, 0)) for username, behind, done in loads),
        key=lambda load: (-load.behind, load.username),
    )
    used = {channel for row in rows for channel in row.cells}
    return Season(rows=rows, judges=judges, drafts=sum(drafts.values()), channels=[c for c in CHANNEL_ORDER if c in used])


def judge_contacts(*, judge: User, edition: Edition | None, channel: str = "", state: str = "") -> QuerySet[Contact]:
    """A judge's own contacts of the edition (of every edition for None: the API's list), newest entry first; `state`
    is draft, submitted or voided."""
    contacts = Contact.objects.filter(judge=judge).select_related("participant")
    if edition is not None:
        contacts = contacts.filter(edition=edition)
    if channel:
        contacts = contacts.filter(channel=channel)
    if state == "voided":
        contacts = contacts.filter(voided=True)
    elif state in (ContactStatus.DRAFT, ContactStatus.SUBMITTED):
        contacts = contacts.filter(status=state, voided=False)
    return contacts.order_by("-created_at", "-pk")
