"""Reads for the company dashboard: one participant's own numbers against the anonymous field.

Every read here is scoped to a participant that the caller has already
checked against the requesting user's memberships (`member_participant`), and
none of them selects a judge: a company never learns who tested it (docs/architecture.md).
Aggregates are GROUP BY queries, so the page costs the same number of queries
however many contacts there are.

The participant's own figures are live: its standings and points per question as
the rescoring that follows every change left them; the field's (averages, area shares and
the counts behind them) are those frozen with the edition's latest publication
(scoring.averages), so they move in published steps: averages that followed
every new contact would give away a newcomer's score.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.contrib.auth.models import AnonymousUser, User
from django.db.models import BigIntegerField, Count, QuerySet, Sum
from django.db.models.functions import Cast, TruncMonth
from django.utils import timezone

from award.models import Channel, Edition, Participant
from channels_app.models import HandledBy, Question
from dashboard.contacts import ContactLine, ContactsPage, contacts_page, own_contacts, participant_questions
from publications.models import PublicationKind
from publications.selectors import publication_document, publication_latest, published_averages_latest, published_entrants
from scoring import rules
from scoring.averages import FieldSums
from scoring.models import ChannelStanding, OverallStanding
from scoring.points import participant_question_points
from scoring.rules import BOT_CHANNELS, HIDDEN_UNPUBLISHED, one_decimal


def _units(expression: str, **extra: Any) -> Cast:
    """SUM over a ScoreField's raw ten-thousandths, exact on SQLite and PostgreSQL (as scoring.selectors does)."""
    return Cast(Sum(Cast(expression, BigIntegerField()), **extra), BigIntegerField())


# Memberships ------------------------------------------------------------------


def member_participants_query(*, user: User | AnonymousUser) -> QuerySet[Participant]:
    """The participants whose dashboard this user may read, newest edition first, as a query (the API pages it)."""
    if not isinstance(user, User):  # not signed in
        return Participant.objects.none()
    return (
        Participant.objects.filter(memberships__user=user)
        .select_related("edition", "award_class")
        .with_channels()
        .order_by("-edition__year", "name", "pk")
    )


def member_participants(*, user: User | AnonymousUser) -> list[Participant]:
    """The participants whose dashboard this user may read, newest edition first."""
    return list(member_participants_query(user=user))


def member_participant(*, user: User | AnonymousUser, participant_id: int, year: int | None = None) -> Participant | None:
    """The participant if this user is a member of it (in that year, when a page's address names one); None for anyone
    else's (the page and the API answer 404)."""
    if not isinstance(user, User):  # not signed in
        return None
    found = Participant.objects.filter(pk=participant_id, memberships__user=user)
    if year is not None:
        found = found.filter(edition__year=year)
    return found.select_related("edition", "award_class").with_channels().first()


# What the dashboard shows ------------------------------------------------------------


@dataclass(frozen=True)
class Average:
    """An anonymous average of channel totals as published; `value` None when hidden or when nobody had a score."""

    value: Decimal | None
    participants: int  # how many participants had a score in the channel at the latest publication
    hidden: str = ""  # "" when shown, else why not: HIDDEN_UNPUBLISHED, HIDDEN_FEW or HIDDEN_OUTSIDERS

    @property
    def is_hidden(self) -> bool:
        return bool(self.hidden)


@dataclass(frozen=True)
class AreaLine:
    """scoring.md §1 points of one performance area: own share of the points possible against the field's."""

    area: str
    own: Decimal | None  # live
    field: Decimal | None  # as published; None when hidden: nothing published, or fewer than three behind it


@dataclass(frozen=True)
class HandlerLine:
    """Answered contacts handled by an agent, or by a chatbot (alone or before an agent), with their mean score."""

    handler: str  # "agent" or "bot"
    contacts: int
    score: Decimal | None
    passed_to_agent: int = 0


@dataclass(frozen=True)
class MonthPoint:
    month: date
    contacts: int
    score: Decimal | None  # mean of the month's contact scores, unanswered as 0 (like the channel total)


@dataclass(frozen=True)
class PublishedRank:
    """A rank read from the final publication, never from the live standings."""

    rank: int
    of: int
    score: Decimal | None


@dataclass
class ChannelBlock:
    channel: str
    label: str
    minimum: int
    contacts: int = 0
    unanswered: int = 0
    total: Decimal | None = None
    answered: Decimal | None = None
    bot_share: Decimal | None = None
    qualified: bool = False
    field_average: Average = field(default_factory=lambda: Average(None, 0, HIDDEN_UNPUBLISHED))
    class_average: Average = field(default_factory=lambda: Average(None, 0, HIDDEN_UNPUBLISHED))
    areas: list[AreaLine] = field(default_factory=list)
    handlers: list[HandlerLine] = field(default_factory=list)
    months: list[MonthPoint] = field(default_factory=list)
    rank: PublishedRank | None = None

    @property
    def missing(self) -> int:
        return max(0, self.minimum - self.contacts)

    @property
    def total_display(self) -> Decimal | None:
        return one_decimal(self.total)

    @property
    def answered_display(self) -> Decimal | None:
        return one_decimal(self.answered)

    @property
    def class_average_hidden(self) -> bool:
        return self.class_average.is_hidden

    @property
    def field_average_hidden(self) -> bool:
        return self.field_average.is_hidden

    @property
    def area_field_hidden(self) -> bool:
        """Some area's field share is hidden (the page says why once, under the table)."""
        return any(area.field is None for area in self.areas)

    @property
    def averages_unpublished(self) -> bool:
        """No published averages to show yet: every average and area share of the channel waits for a publication."""
        return self.field_average.hidden == HIDDEN_UNPUBLISHED

    @property
    def splits_handlers(self) -> bool:
        return self.channel in BOT_CHANNELS


@dataclass
class Dashboard:
    participant: Participant
    edition: Edition
    channels: list[ChannelBlock]
    contacts_page: ContactsPage | None = None  # the page of the contact list asked for; None when not asked for
    overall: Decimal | None = None
    overall_contacts: int = 0
    qualified: bool = False
    final_published_at: datetime | None = None
    edition_rank: PublishedRank | None = None
    class_rank: PublishedRank | None = None
    averages_published_at: datetime | None = None  # the publication the averages are from; None while hidden
    published_without_averages: bool = False  # its latest publication was made before averages were frozen with one

    @property
    def minimum(self) -> int:
        return self.edition.min_contacts_per_channel

    @property
    def contacts(self) -> list[ContactLine]:
        """The contacts of the page shown."""
        return self.contacts_page.lines if self.contacts_page is not None else []

    @property
    def overall_display(self) -> Decimal | None:
        return one_decimal(self.overall)

    def channel(self, code: str) -> ChannelBlock | None:
        return next((block for block in self.channels if block.channel == code), None)


def participant_dashboard(*, participant: Participant, with_contacts: bool = True, page: int | str | None = None) -> Dashboard:
    """Everything the dashboard shows of one participant (from `member_participant`), with that page of its contacts
    (dashboard.contacts.contacts_page), in a fixed number of queries."""
    edition = participant.edition
    labels = dict(Channel.choices)
    blocks = {
        code: ChannelBlock(channel=code, label=str(labels[code]), minimum=edition.min_contacts_per_channel)
        for code in participant.channels
    }
    dashboard = Dashboard(participant=participant, edition=edition, channels=list(blocks.values()))
    questions = participant_questions(participant=participant)
    _add_standings(dashboard, blocks)
    sums = _add_averages(dashboard, blocks)
    _add_areas(participant, blocks, questions, sums)
    _add_handlers(participant, blocks)
    _add_months(participant, blocks)
    _add_published_ranks(dashboard, blocks)
    if with_contacts:
        dashboard.contacts_page = contacts_page(participant=participant, number=page, questions=questions)
    return dashboard


def _add_standings(dashboard: Dashboard, blocks: dict[str, ChannelBlock]) -> None:
    participant = dashboard.participant
    for standing in ChannelStanding.objects.filter(participant=participant, channel__in=list(blocks)):
        block = blocks[standing.channel]
        block.contacts, block.unanswered, block.qualified = standing.contacts, standing.unanswered, standing.qualified
        block.total, block.answered, block.bot_share = standing.total, standing.answered, standing.bot_share
    overall = OverallStanding.objects.filter(participant=participant).first()
    if overall is not None:
        dashboard.overall, dashboard.overall_contacts, dashboard.qualified = overall.overall, overall.contacts, overall.qualified


def _add_averages(dashboard: Dashboard, blocks: dict[str, ChannelBlock]) -> FieldSums | None:
    """scoring.md §5 for the field, and the same mean over the participant's class, as the latest publication froze them.

    Neither may let a company work out one competitor's score (docs/architecture.md: a
    company never sees another participant's data). Frozen sums move only with a
    publication, so a newcomer's first contact moves nothing here; the counts shown
    are the publication's, and scoring.rules.field_average_hidden and
    class_average_hidden apply to them as they would to live ones.
    """
    latest = published_averages_latest(year=dashboard.edition.year)
    if latest.sums is None:  # nothing published yet, or only before averages were frozen with a publication
        dashboard.published_without_averages = latest.published_at is not None
        for block in blocks.values():
            block.field_average = block.class_average = Average(None, 0, HIDDEN_UNPUBLISHED)
        return None
    dashboard.averages_published_at = latest.published_at
    class_id = dashboard.participant.award_class_id
    for channel, block in blocks.items():
        field_units, field_count = latest.sums.channel(channel)
        class_units, class_count = latest.sums.of_class(channel, class_id)
        block.field_average = _average(field_units, field_count, hidden=rules.field_average_hidden(field_count))
        hidden = rules.class_average_hidden(class_participants=class_count, field_participants=field_count)
        block.class_average = _average(class_units, class_count, hidden=hidden)
    return latest.sums


def _average(units: int, participants: int, *, hidden: str) -> Average:
    if hidden:
        return Average(None, participants, hidden)
    return Average(one_decimal(rules.mean_of_units(units, participants)), participants)


def _add_areas(
    participant: Participant, blocks: dict[str, ChannelBlock], questions: list[Question], sums: FieldSums | None
) -> None:
    """Per channel and area: own points (live) against the field's (as published), each as a share of the points possible.

    Scored questions only. The field's share is hidden with the field average
    (nothing published, or fewer than three participants with a score in the
    channel) and wherever fewer than three participants had points in the area:
    field minus own would be one competitor's points.
    """
    # As the last rescoring summed them, like the standings above; a question's answers come only from contacts of its
    # channel, so the questions of the channels it offers are those of the contacts the page counts (own_contacts).
    own = participant_question_points(participant_id=participant.pk)
    lines: dict[tuple[str, str], list[int]] = {}
    for question in questions:  # in questionnaire order, so areas come in the order the judges meet them
        if not question.counts or question.channel not in blocks:
            continue  # scoring.md: customer-experience questions are recorded, never scored
        line = lines.setdefault((question.channel, question.area), [0, 0])
        given, possible = own.get(question.pk, (0, 0))
        line[0] += given
        line[1] += possible
    for (channel, area), (own_given, own_possible) in lines.items():
        field_given, field_possible, behind = sums.area(channel, area) if sums is not None else (0, 0, 0)
        if own_possible == 0 and field_possible == 0:
            continue  # nobody has been scored on this area yet
        # An area's field share is an average over the participants with points in it: the same rule as the field's.
        hidden = blocks[channel].field_average.is_hidden or bool(rules.field_average_hidden(behind))
        blocks[channel].areas.append(
            AreaLine(
                area=area,
                own=one_decimal(rules.share(own_given, own_possible)),
                field=None if hidden else one_decimal(rules.share(field_given, field_possible)),
            )
        )


def _add_handlers(participant: Participant, blocks: dict[str, ChannelBlock]) -> None:
    """Chat and Messenger: answered contacts by who handled them, agent against chatbot, with the mean of their scores."""
    channels = [code for code in blocks if code in BOT_CHANNELS]
    if not channels:
        return
    rows = (
        own_contacts(participant)
        .filter(channel__in=channels, answered=True)
        .values("channel", "handled_by")
        .annotate(contacts=Count("id"), units=_units("score"))
        .order_by()
    )
    sums: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0, 0])
    for row in rows:
        # scoring.md §2 (bot_share): a chat a chatbot began counts as the chatbot's, even when an agent took over.
        handler = "bot" if row["handled_by"] in rules.BOT_HANDLERS else "agent"
        line = sums[(row["channel"], handler)]
        line[0] += row["contacts"]
        line[1] += int(row["units"] or 0)
        line[2] += row["contacts"] if row["handled_by"] == HandledBy.BOT_TO_AGENT else 0
    for channel in channels:
        blocks[channel].handlers = [
            HandlerLine(
                handler=handler,
                contacts=sums[(channel, handler)][0],
                score=one_decimal(rules.mean_of_units(sums[(channel, handler)][1], sums[(channel, handler)][0])),
                passed_to_agent=sums[(channel, handler)][2],
            )
            for handler in ("agent", "bot")
        ]


def _add_months(participant: Participant, blocks: dict[str, ChannelBlock]) -> None:
    """The channel score month by month (the award's local months), unanswered contacts as 0 like the total."""
    rows = (
        own_contacts(participant)
        .filter(channel__in=list(blocks))
        .annotate(month=TruncMonth("happened_at", tzinfo=timezone.get_default_timezone()))
        .values("channel", "month")
        .annotate(contacts=Count("id"), units=_units("score"))
        .order_by("channel", "month")
    )
    for row in rows:
        month = row["month"]
        month = month.date() if hasattr(month, "date") else month
        score = one_decimal(rules.mean_of_units(int(row["units"] or 0), row["contacts"]))
        blocks[row["channel"]].months.append(MonthPoint(month=month, contacts=row["contacts"], score=score))


def _add_published_ranks(dashboard: Dashboard, blocks: dict[str, ChannelBlock]) -> None:
    """Ranks only from the latest final publication (docs/architecture.md: nothing before it is published).

    The publication names participants and classes as they were called when it
    was made; the participant is found there by its id in the publication's
    frozen inputs, so a later rename neither loses nor swaps its rank.
    """
    publication = publication_latest(year=dashboard.edition.year, kind=PublicationKind.FINAL)
    if publication is None:
        return
    dashboard.final_published_at = publication.published_at
    entrants = published_entrants(publication)
    if not entrants:  # made before publications kept their inputs: the names as they are now
        entrants = {dashboard.participant.pk: (dashboard.participant.name, dashboard.participant.award_class.name)}
    entrant = entrants.get(dashboard.participant.pk)
    if entrant is None:
        return  # not in the edition when it was published: not ranked
    name, class_name = entrant
    document = publication_document(publication)
    dashboard.edition_rank = _rank_in(document["overall"]["ranking"], name)
    for award_class in document["classes"]:
        if award_class["name"] == class_name:
            dashboard.class_rank = _rank_in(award_class["ranking"], name)
    for code, block in blocks.items():
        channel = document["channels"].get(code)
        if channel is not None:
            block.rank = _rank_in(channel["ranking"], name)


def _rank_in(ranking: list[dict[str, Any]], name: str) -> PublishedRank | None:
    # Names are unique within an edition (participant_name_unique_in_edition), and so within a publication.
    for entry in ranking:
        if entry["name"] == name:
            score = Decimal(entry["score"]) if entry.get("score") is not None else None
            return PublishedRank(rank=entry["rank"], of=len(ranking), score=score)
    return None
