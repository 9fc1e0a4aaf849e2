"""The contact plan: making it, and making it again after the edition changed, moving as little as possible.

Deterministic: the same edition, participants, judges and conflicts give the same plan. The arithmetic is
channels_app.plan_rules'; this module reads the edition and writes PlannedContact rows.

- Each participant's contacts (PlanSettings.contacts_per_participant) go to its tested channels by the key and
  are spread over the edition's working days inside the testing window.
- Judges are given in time order to the one with the fewest planned contacts so far, never one with a declared
  conflict, never above the settings' share of one participant's contacts, and never above the judge's own
  capacity in a week (JudgeCapacity; none is no limit).
- A plan made again keeps every entry that is done (a contact is linked to it) and every pending one that is still
  allowed; it adds what is missing, removes pending entries no longer wanted (the latest first), and gives another
  judge only to the pending entries whose judge is no longer allowed.
- Contacts are linked to the entries of their participant and channel in time order; an unanswered phone or chat
  contact gets a second try on another working day of the same week (or the next working day).
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.contrib.auth.models import User
from django.db import transaction
from django.db.models import Case, When
from django.utils import timezone

from award.models import Edition, Participant
from award.roles import JUDGES
from channels_app.models import Contact, ContactStatus, JudgeCapacity, OpeningHours, PlannedContact, PlanSettings
from channels_app.plan_rules import CHANNEL_ORDER, channel_counts, spread, working_days
from channels_app.selectors import edition_conflicts

SECOND_TRY_CHANNELS = ("phone", "chat")  # an unanswered call or chat is tried once more


@dataclass
class PlanSummary:
    planned: int = 0  # entries in the plan, first tries
    done: int = 0
    created: int = 0
    removed: int = 0
    moved: int = 0  # pending entries given another judge
    unassigned: int = 0  # pending entries no judge may take (every judge in conflict, or at the share)
    second_tries: int = 0


def interleave(counts: dict[str, int]) -> list[str]:
    """The channels of a participant's contacts in time order, each channel's spread evenly among the others."""
    total = sum(counts.values())
    slots = [((2 * k + 1) / (2 * n), CHANNEL_ORDER.index(channel), channel) for channel, n in counts.items() for k in range(n)]
    return [channel for _position, _order, channel in sorted(slots)][:total]


EMAIL_SENT_BEFORE = time(12, 0)  # the award's method: e-mails are sent before 12:00 on a weekday


def closed_days(settings: PlanSettings) -> list[date]:
    """The settings' days without testing; a value that is not a YYYY-MM-DD date is no day (the form refuses it)."""
    days = []
    for value in settings.closed_days or []:
        try:
            days.append(date.fromisoformat(str(value)))
        except ValueError:
            continue
    return days


def _week(entry: PlannedContact) -> tuple[int, int]:
    """The ISO year and week of an entry, in local time (a judge's capacity is a week's)."""
    year, week, _day = timezone.localtime(entry.planned_at).isocalendar()
    return year, week


def plan_edition(*, edition: Edition) -> PlanSummary:
    """Make or remake the edition's plan (see the module's notes); return what it did."""
    with transaction.atomic():
        settings, _created = PlanSettings.objects.get_or_create(edition=edition)
        edition = Edition.objects.select_for_update().get(pk=edition.pk)
        planner = _Planner(edition, settings)
        planner.run()
        return planner.summary


class _Planner:
    def __init__(self, edition: Edition, settings: PlanSettings) -> None:
        self.edition, self.settings = edition, settings
        self.summary = PlanSummary()
        self.days = working_days(edition.starts_on, edition.ends_on, closed=closed_days(settings))
        self.judges = list(User.objects.filter(groups__name=JUDGES, is_active=True).order_by("username"))
        self.conflicts = edition_conflicts(edition=edition)
        self.entries = list(PlannedContact.objects.filter(edition=edition).order_by("planned_at", "pk"))
        self.by_participant: defaultdict[int, list[PlannedContact]] = defaultdict(list)  # the same, per participant
        for entry in self.entries:
            self.by_participant[entry.participant_id].append(entry)
        self.load: Counter[int] = Counter(entry.judge_id for entry in self.entries if entry.judge_id is not None)
        # Planned contacts per (judge, participant), kept in step with every change: the share rule's count.
        self.shares: Counter[tuple[int, int]] = Counter(
            (entry.judge_id, entry.participant_id) for entry in self.entries if entry.judge_id is not None
        )
        self.judge_ids = {judge.pk for judge in self.judges}
        # A judge's capacity a week (none: no limit), and what each judge has planned in each week.
        self.capacity = dict(JudgeCapacity.objects.filter(edition=edition).values_list("judge_id", "per_week"))
        self.weekly: Counter[tuple[int, tuple[int, int]]] = Counter(
            (entry.judge_id, _week(entry)) for entry in self.entries if entry.judge_id is not None
        )
        self.share_limit = max(1, math.ceil(settings.contacts_per_participant * settings.max_judge_share / 100))
        self.hours = {
            hours.participant_id: (hours.opens, hours.closes)
            for hours in OpeningHours.objects.filter(participant__edition=edition)
        }

    def _window(self, participant_id: int) -> tuple[time, time]:
        """When a participant is tested: the testing window inside its opening hours (its hours alone if they do not
        meet the window: a company is called when it is open)."""
        window = (self.settings.window_opens, self.settings.window_closes)
        hours = self.hours.get(participant_id)
        if hours is None:
            return window
        opens, closes = max(window[0], hours[0]), min(window[1], hours[1])
        return (opens, closes) if opens < closes else hours

    def _channel_window(self, participant_id: int, channel: str) -> tuple[time, time]:
        """The participant's window for one channel: an e-mail is sent before noon (so its reply can come the same
        working day), when the window opens before noon."""
        opens, closes = self._window(participant_id)
        if channel == "email" and opens < EMAIL_SENT_BEFORE:
            return opens, min(closes, EMAIL_SENT_BEFORE)
        return opens, closes

    def _squeezed(self, participant_id: int, channel: str, moment: datetime) -> datetime:
        """A moment spread over the participant's window, moved in proportion into the channel's own window."""
        (opens, closes), (start, end) = self._window(participant_id), self._channel_window(participant_id, channel)
        if (start, end) == (opens, closes):
            return moment
        day = moment.date()
        share = (moment - datetime.combine(day, opens)) / (datetime.combine(day, closes) - datetime.combine(day, opens))
        squeezed = datetime.combine(day, start) + (datetime.combine(day, end) - datetime.combine(day, start)) * share
        return squeezed.replace(second=0, microsecond=0)

    def run(self) -> None:
        participants = list(Participant.objects.filter(edition=self.edition).with_channels().order_by("pk"))
        wanted_ids = {participant.pk for participant in participants}
        for entry in [e for e in self.entries if e.participant_id not in wanted_ids and not e.done]:
            self._remove(entry)
        for participant in participants:
            self._plan_participant(participant)
        self.link()
        first = [entry for entry in self.entries if entry.attempt == 1]
        self.summary.planned = len(first)
        self.summary.done = sum(1 for entry in self.entries if entry.done)
        self.summary.unassigned = sum(1 for entry in self.entries if entry.judge_id is None and not entry.done)

    # One participant ------------------------------------------------------------------

    def _plan_participant(self, participant: Participant) -> None:
        counts = channel_counts(participant.channels, total=self.settings.contacts_per_participant, key=self.settings.key)
        moments = spread(
            sum(counts.values()),
            self.days,
            window=self._window(participant.pk),
            offset=participant.pk,
        )
        desired: dict[str, list[datetime]] = defaultdict(list)
        for channel, moment in zip(interleave(counts), moments, strict=True):
            desired[channel].append(timezone.make_aware(self._squeezed(participant.pk, channel, moment)))
        mine = [e for e in self.by_participant[participant.pk] if e.attempt == 1]
        for channel in {e.channel for e in mine} | set(counts):
            entries = [e for e in mine if e.channel == channel]
            wanted = counts.get(channel, 0)
            pending = [e for e in entries if not e.done]
            extra = len(entries) - wanted
            for entry in sorted(pending, key=lambda e: e.planned_at, reverse=True)[: max(extra, 0)]:
                self._remove(entry)
            if extra < 0:  # new slots: the desired moments after the ones already planned
                for moment in desired[channel][len(entries) :]:
                    self._create(participant, channel, moment)
        self._keep_inside(participant.pk)
        for entry in [e for e in self.by_participant[participant.pk] if not e.done]:
            if not self._allowed(entry.judge_id, participant.pk, entry):
                old = entry.judge_id
                self._unassign(entry)
                self._assign(entry, self._choose(participant.pk, entry))
                if old is not None:
                    self.summary.moved += 1
                entry.save(update_fields=["judge"])

    def _keep_inside(self, participant_id: int) -> None:
        """A pending entry outside the participant's window (its opening hours changed) moves to the nearest time
        inside it, the same day: the least move that keeps the plan true."""
        for entry in [e for e in self.by_participant[participant_id] if not e.done]:
            opens, closes = self._channel_window(participant_id, entry.channel)
            last = (datetime.combine(date.min, closes) - timedelta(minutes=1)).time()
            local = timezone.localtime(entry.planned_at)
            if opens <= local.time() <= last:
                continue
            moved = opens if local.time() < opens else last
            entry.planned_at = timezone.make_aware(datetime.combine(local.date(), moved))
            entry.save(update_fields=["planned_at"])
            self.summary.moved += 1

    def _create(self, participant: Participant, channel: str, moment: datetime, attempt: int = 1) -> PlannedContact:
        entry = PlannedContact(edition=self.edition, participant=participant, channel=channel, planned_at=moment, attempt=attempt)
        self._assign(entry, self._choose(participant.pk, entry))
        entry.save()
        self.entries.append(entry)
        self.by_participant[participant.pk].append(entry)
        self.summary.created += 1
        return entry

    def _remove(self, entry: PlannedContact) -> None:
        self._unassign(entry)
        entry.delete()
        self.entries.remove(entry)
        self.by_participant[entry.participant_id].remove(entry)
        self.summary.removed += 1

    # Judges -----------------------------------------------------------------------------

    def _assign(self, entry: PlannedContact, judge_id: int | None) -> None:
        entry.judge_id = judge_id
        if judge_id is not None:
            self.load[judge_id] += 1
            self.shares[(judge_id, entry.participant_id)] += 1
            self.weekly[(judge_id, _week(entry))] += 1

    def _unassign(self, entry: PlannedContact) -> None:
        if entry.judge_id is not None:
            self.load[entry.judge_id] -= 1
            self.shares[(entry.judge_id, entry.participant_id)] -= 1
            self.weekly[(entry.judge_id, _week(entry))] -= 1
        entry.judge_id = None

    def _allowed(self, judge_id: int | None, participant_id: int, entry: PlannedContact) -> bool:
        """Whether the judge may take the entry: an active judge, no conflict, and under the share (the entry aside)."""
        if judge_id is None or judge_id not in self.judge_ids or (judge_id, participant_id) in self.conflicts:
            return False
        own = 1 if entry.judge_id == judge_id else 0  # the entry itself does not count against its own judge
        if self.shares[(judge_id, participant_id)] - own >= self.share_limit:
            return False
        capacity = self.capacity.get(judge_id)
        return capacity is None or self.weekly[(judge_id, _week(entry))] - own < capacity

    def _choose(self, participant_id: int, entry: PlannedContact) -> int | None:
        """The allowed judge with the fewest planned contacts (then by username); None when none is allowed."""
        for judge in sorted(self.judges, key=lambda judge: (self.load[judge.pk], judge.get_username())):
            if self._allowed(judge.pk, participant_id, entry):
                return judge.pk
        return None

    # Contacts and second tries ---------------------------------------------------------------

    def link(self) -> None:
        self._link_contacts()
        self._second_tries()
        self._link_contacts()  # a contact made as a second try belongs to it: linked now, the next run finds all as left

    def _link_contacts(self) -> None:
        """Each submitted contact, in time order, to the first entry of its participant and channel not yet done."""
        linked = {entry.contact_id for entry in self.entries if entry.contact_id is not None}
        contacts = Contact.objects.filter(edition=self.edition, status=ContactStatus.SUBMITTED, voided=False).exclude(
            pk__in=linked
        )
        open_entries: dict[tuple[int, str], list[PlannedContact]] = defaultdict(list)
        for entry in self.entries:
            if not entry.done:
                open_entries[(entry.participant_id, entry.channel)].append(entry)
        for contact in contacts.order_by("happened_at", "pk"):
            waiting = open_entries.get((contact.participant_id, contact.channel))
            if waiting:
                entry = waiting.pop(0)
                entry.contact = contact
                entry.save(update_fields=["contact"])

    def _second_tries(self) -> None:
        tried_again = {(e.participant_id, e.channel, e.planned_at.date()) for e in self.entries if e.attempt == 2}
        # When each unanswered contact happened, in one query (not one per entry: the plan holds the write lock).
        unanswered = dict(
            Contact.objects.filter(edition=self.edition, answered=False, channel__in=SECOND_TRY_CHANNELS).values_list(
                "pk", "happened_at"
            )
        )
        first_unanswered = [
            (entry, unanswered[entry.contact_id])
            for entry in self.entries
            if entry.attempt == 1 and entry.channel in SECOND_TRY_CHANNELS and entry.contact_id in unanswered
        ]
        participants = Participant.objects.in_bulk({entry.participant_id for entry, _happened in first_unanswered})
        for entry, happened_at in first_unanswered:
            day = self._second_try_day(timezone.localtime(happened_at).date())
            if day is None or (entry.participant_id, entry.channel, day) in tried_again:
                continue
            moment = timezone.make_aware(datetime.combine(day, timezone.localtime(entry.planned_at).time()))
            self._create(participants[entry.participant_id], entry.channel, moment, attempt=2)
            tried_again.add((entry.participant_id, entry.channel, day))
            self.summary.second_tries += 1

    def _second_try_day(self, tried: date) -> date | None:
        return second_try_day(tried, self.days)


def plan_link_all(*, edition: Edition) -> PlanSummary:
    """Link every submitted contact not yet in the plan (an import's, say) and add their second tries; no re-planning."""
    settings = PlanSettings.objects.filter(edition=edition).first()
    if settings is None:
        return PlanSummary()  # no plan made yet: `plan` links them when it is
    planner = _Planner(edition, settings)
    planner.link()
    return planner.summary


def plan_link(*, contact: Contact) -> PlannedContact | None:
    """A contact just submitted, linked at once to the plan: to the earliest open entry of its participant and channel
    (the judge's own first), and an unanswered call or chat given its second try. None when it has no entry.

    The same rule as a plan made again (which links what this did not, e.g. an import's contacts, in time order).
    """
    if contact.status != ContactStatus.SUBMITTED or contact.voided or PlannedContact.objects.filter(contact=contact).exists():
        return None
    open_entries = PlannedContact.objects.filter(
        edition_id=contact.edition_id, participant_id=contact.participant_id, channel=contact.channel, contact__isnull=True
    )
    entry = open_entries.order_by(Case(When(judge_id=contact.judge_id, then=0), default=1), "planned_at", "pk").first()
    if entry is None:
        return None
    entry.contact = contact
    entry.save(update_fields=["contact"])
    if entry.attempt == 1 and contact.channel in SECOND_TRY_CHANNELS and not contact.answered:
        edition = contact.edition
        settings = PlanSettings.objects.filter(edition=edition).first()
        days = working_days(edition.starts_on, edition.ends_on, closed=closed_days(settings) if settings else ())
        tried = timezone.localtime(contact.happened_at).date()
        day = second_try_day(tried, days)
        if day is not None:
            moment = timezone.make_aware(datetime.combine(day, timezone.localtime(entry.planned_at).time()))
            PlannedContact.objects.create(
                edition_id=contact.edition_id,
                participant_id=contact.participant_id,
                channel=contact.channel,
                judge_id=entry.judge_id,
                planned_at=moment,
                attempt=2,
            )
    return entry


def second_try_day(tried: date, days: list[date]) -> date | None:
    """Another working day of the same week as `tried`, else the next working day; None after the period."""
    later = [day for day in days if day > tried]
    same_week = [day for day in later if day.isocalendar()[:2] == tried.isocalendar()[:2]]
    choices = same_week or later
    return choices[0] if choices else None


def plan_rows(*, edition: Edition) -> list[tuple[str, str, str, str, int]]:
    """The plan as export_plan writes it: participant, channel, judge, planned_at (ISO 8601, offset), try."""
    entries = PlannedContact.objects.filter(edition=edition).select_related("participant", "judge").order_by("planned_at", "pk")
    return [
        (
            entry.participant.name,
            entry.channel,
            entry.judge.get_username() if entry.judge else "",
            timezone.localtime(entry.planned_at).isoformat(),
            entry.attempt,
        )
        for entry in entries
    ]
