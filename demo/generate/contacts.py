"""Drawing each company's contacts around its planned channel totals."""

from __future__ import annotations

import math
import random
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from decimal import Decimal

from demo.generate.companies import (
    ANSWER_NOISE,
    CLASS_BIAS,
    COMPANIES,
    COMPANY_FORM_SPREAD,
    CONTACT_SPREAD,
    CONTACTS_PER_COMPANY,
    PROFILES,
    SOFT_CEILING,
    STAR_FORM_BONUS,
    TOP_MARGIN,
    Company,
    GenerationError,
    clamp,
    rng_for,
)
from demo.generate.edition import (
    CHANNELS,
    ENDS_ON,
    EXPECTED_INTERIM,
    HOLIDAYS,
    JUDGE_PAUSE,
    JUDGES,
    MIN_CONTACTS,
    OFFSET,
    QUESTIONNAIRES,
    STARTS_ON,
    WAIT_BANDS,
    WAIT_LIMITS,
    WAIT_SCALES,
)
from scoring import rules

# --------------------------------------------------------------------------- contacts


@dataclass
class Contact:
    participant: str
    channel: str
    judge: str
    happened_at: datetime
    answered: bool
    wait_seconds: int | None = None
    handled_by: str = ""  # empty when not answered
    answers: dict[str, int | None] = field(default_factory=dict)  # a missing key is N/A too
    voided: bool = False
    comment: str = ""
    ref: str = ""

    def score(self) -> Decimal:
        """scoring.md §1, through the same function the application scores with."""
        answers = [rules.AnswerValue(self.answers.get(q.key), q.max_points, q.counts) for q in QUESTIONNAIRES[self.channel]]
        return rules.contact_score(answered=self.answered, answers=answers)


@dataclass
class Plan:
    """What one company is going to look like in one channel."""

    company: Company
    channel: str
    target: Decimal  # the channel total we steer to
    contacts: int  # counted contacts
    top: bool  # one of the channel's expected top 3
    voice_menu: bool = True
    chatbot: bool = False
    median_wait: float = 60.0


def channel_total(contacts: Sequence[Contact]) -> Decimal:
    """scoring.md §2 `total` over counted contacts."""
    total = rules.mean([contact.score() for contact in contacts])
    if total is None:
        raise GenerationError("a planned channel has no contacts")
    return total


class Calendar:
    """Hands out unique, plausible contact moments inside the edition's dates."""

    def __init__(self) -> None:
        days = [STARTS_ON + timedelta(days=n) for n in range((ENDS_ON - STARTS_ON).days + 1)]
        self.days = days
        self.workdays = [day for day in days if day.weekday() < 5 and day not in HOLIDAYS]
        self.taken: set[datetime] = set()
        self.by_judge: dict[str, list[datetime]] = {judge: [] for judge in JUDGES}

    def is_free(self, moment: datetime, judge: str) -> bool:
        # One contact per minute in the whole edition, so refs sort cleanly by time,
        # and never two contacts of one judge within JUDGE_PAUSE.
        if moment in self.taken:
            return False
        return all(abs(moment - other) >= JUDGE_PAUSE for other in self.by_judge[judge])

    def draw(self, rng: random.Random, channel: str, judge: str) -> datetime:
        for _ in range(1000):
            if rng.random() < PROFILES[channel].off_hours:
                # E-mails and messages are often written after work; never later than 21:30 so
                # the local date stays inside the edition after the switch to summer time.
                day = rng.choice(self.days)
                free_day = day.weekday() >= 5 or day in HOLIDAYS
                first, last = (10 * 60, 20 * 60) if free_day else (16 * 60, 21 * 60 + 30)
            else:
                day = rng.choice(self.workdays)
                first, last = 8 * 60, 15 * 60 + 45  # opening hours, with time to finish the contact
            minute = rng.randrange(first, last)
            moment = datetime.combine(day, time(minute // 60, minute % 60), tzinfo=OFFSET)
            if self.is_free(moment, judge):
                self.taken.add(moment)
                self.by_judge[judge].append(moment)
                return moment
        raise GenerationError("the calendar is full")


def contact_counts(company: Company, rng: random.Random) -> dict[str, int]:
    """Split ~25 contacts over the offered channels by PROFILES weights (largest remainder), >= MIN_CONTACTS each."""
    total = rng.randint(*CONTACTS_PER_COMPANY)
    weight = sum(PROFILES[channel].weight for channel in company.channels)
    exact = {channel: total * PROFILES[channel].weight / weight for channel in company.channels}
    counts = {channel: math.floor(share) for channel, share in exact.items()}
    by_remainder = sorted(company.channels, key=lambda channel: exact[channel] - counts[channel], reverse=True)
    for channel in by_remainder[: total - sum(counts.values())]:
        counts[channel] += 1
    for channel in company.channels:
        while counts[channel] < MIN_CONTACTS:
            largest = max(company.channels, key=lambda other: counts[other])
            counts[largest] -= 1
            counts[channel] += 1
    return counts


def soft_clip(value: float, low: float, high: float) -> float:
    """Clip to [low, high), bending smoothly into the ceiling over its last SOFT_CEILING points.

    A hard clip would pile several companies up right under the top 3; the bend keeps
    them apart while still never reaching the cap.
    """
    knee = high - SOFT_CEILING
    if value > knee:
        value = knee + SOFT_CEILING * math.tanh((value - knee) / SOFT_CEILING)
    return max(low, value)


def shift_to_mean(raw: Sequence[float], mean: float, low: float, high: float) -> list[float]:
    """Shift all values by one constant (then soft-clipped to [low, high]) so that their mean is `mean`.

    The clipped mean grows with the shift, so bisection finds it; shifting keeps the
    random spread between companies while pinning where the field lands.
    """
    if not low < mean < high:
        raise GenerationError(f"a mean of {mean:.2f} cannot be reached inside [{low:.2f}, {high:.2f}]")
    below, above = -200.0, 200.0
    for _ in range(200):
        middle = (below + above) / 2
        if sum(soft_clip(value + middle, low, high) for value in raw) / len(raw) < mean:
            below = middle
        else:
            above = middle
    return [soft_clip(value + above, low, high) for value in raw]


def company_forms() -> dict[str, float]:
    stars = frozenset().union(*(names for names, _ in EXPECTED_INTERIM.values()))
    forms = {}
    for company_ in COMPANIES:
        form = rng_for("form", company_.name).gauss(0, COMPANY_FORM_SPREAD)
        forms[company_.name] = form + (STAR_FORM_BONUS if company_.name in stars else 0.0)
    return forms


def channel_targets(channel: str, forms: dict[str, float]) -> tuple[dict[str, Decimal], Decimal]:
    """Target channel totals per company, and the cap every company outside the top 3 stays under.

    The top 3 are drawn from the channel's top range; the rest are spread around
    their own mean and shifted so that the whole field averages the published value.
    """
    rng = rng_for("targets", channel)
    profile = PROFILES[channel]
    top_names, average = EXPECTED_INTERIM[channel]
    offering = [company_ for company_ in COMPANIES if channel in company_.channels]
    top = {c.name: rng.uniform(*profile.top_range) for c in offering if c.name in top_names}
    if set(top) != top_names:
        raise GenerationError(f"{channel}: the expected top 3 must offer the channel")
    cap = Decimal(f"{min(top.values()):.4f}") - TOP_MARGIN
    others = [c for c in offering if c.name not in top_names]
    raw = [CLASS_BIAS[c.class_name] + forms[c.name] + rng.gauss(0, profile.spread) for c in others]
    needed = (float(average) * len(offering) - sum(top.values())) / len(others)
    spread = shift_to_mean(raw, needed, profile.floor, float(cap))
    targets = {name: Decimal(f"{value:.4f}") for name, value in top.items()}
    targets |= {c.name: Decimal(f"{value:.4f}") for c, value in zip(others, spread, strict=True)}
    return targets, cap


def make_plans() -> tuple[list[Plan], dict[str, Decimal]]:
    """One plan per company and offered channel, and the cap of each channel (see channel_targets)."""
    forms = company_forms()
    targets: dict[str, dict[str, Decimal]] = {}
    caps: dict[str, Decimal] = {}
    for channel in CHANNELS:
        targets[channel], caps[channel] = channel_targets(channel, forms)
    plans = []
    for company_ in COMPANIES:
        rng = rng_for("plan", company_.name)
        counts = contact_counts(company_, rng)
        for channel in company_.channels:
            profile = PROFILES[channel]
            target = targets[channel][company_.name]
            plans.append(
                Plan(
                    company=company_,
                    channel=channel,
                    target=target,
                    contacts=counts[channel],
                    top=company_.name in EXPECTED_INTERIM[channel][0],
                    voice_menu=rng.random() < 0.7,
                    chatbot=rng.random() < profile.chatbot_share,
                    # Better services answer faster: the wait is what customers notice first.
                    median_wait=profile.median_wait * math.exp(-(float(target) - profile.wait_pivot) / profile.wait_decay),
                )
            )
    return plans, caps


def missed_count(plan: Plan, rng: random.Random) -> int:
    """How many counted contacts nobody answered: common where service is weak, never in a top 3."""
    if plan.top:
        return 0
    profile = PROFILES[plan.channel]
    share = clamp((profile.missed_pivot - float(plan.target)) / profile.missed_slope, 0.0, profile.missed_cap)
    missed = sum(rng.random() < share for _ in range(plan.contacts))
    # The answered contacts must be able to carry the target: keep their mean believable.
    while missed and float(plan.target) * plan.contacts / (plan.contacts - missed) > 94:
        missed -= 1
    return missed


def draw_handler(plan: Plan, rng: random.Random) -> str:
    if not plan.chatbot:
        return "agent"
    return rng.choices(("agent", "bot", "bot_to_agent"), weights=(40, 25, 35))[0]


def draw_wait(plan: Plan, rng: random.Random, handled_by: str) -> int:
    if handled_by == "bot":
        return rng.randint(1, 6) if plan.channel == "chat" else rng.randint(3, 25)  # a chatbot answers at once
    low, high = PROFILES[plan.channel].wait_bounds
    return round(clamp(plan.median_wait * math.exp(rng.gauss(0, 0.6)), low, high))


def fit_wait(channel: str, seconds: int) -> int:
    """A wait drawn on WAIT_SCALES, moved inside the channel's limit so that WAIT_BANDS give it the same points: each
    band of the scale onto the same band of the limit's, linearly; past the scale's last band, into what is left."""
    _, scale = WAIT_SCALES[channel]
    old = [0, *(limit for limit, _points in scale)]
    new = [0, *(limit for limit, _points in WAIT_BANDS[channel])]
    old.append(max(PROFILES[channel].wait_bounds[1], old[-1] + 1))
    new.append(WAIT_LIMITS[channel])
    if seconds <= old[1]:
        return round(seconds * new[1] / old[1])
    for low, high, new_low, new_high in zip(old[1:], old[2:], new[1:], new[2:], strict=True):
        if seconds <= high:
            return min(new_high, new_low + max(1, round((seconds - low) * (new_high - new_low) / (high - low))))
    return new[-1]


def wait_points(channel: str, wait_seconds: int) -> int:
    _, scale = WAIT_SCALES[channel]
    return next((points for limit, points in scale if wait_seconds <= limit), 0)


def not_applicable(channel: str, key: str, plan: Plan, contact: Contact, rng: random.Random) -> bool:
    """The judge's N/A: the question did not arise in this contact."""
    wait = contact.wait_seconds or 0
    if key == "ko_info":
        return wait < (45 if channel == "phone" else 30) or contact.handled_by == "bot"  # no queue to inform about
    if key == "talemeny":
        return not plan.voice_menu
    if key == "tilbud_oppringing":
        return wait < 120  # only a real queue calls for a call-back offer
    if key == "overlevering":
        return contact.handled_by != "bot_to_agent"
    if key in ("merverdi", "lenker"):
        return rng.random() < 0.25  # nothing more to add, nothing to link to
    return False


def draw_points(max_points: int, level: float, rng: random.Random) -> int:
    share = clamp(level + rng.gauss(0, ANSWER_NOISE), 0.0, 1.0)
    return math.floor(share * max_points + 0.5)


def draw_contact(plan: Plan, rng: random.Random, calendar: Calendar, *, answered: bool, level: float) -> Contact:
    judge = rng.choice(JUDGES)
    contact = Contact(
        participant=plan.company.name,
        channel=plan.channel,
        judge=judge,
        happened_at=calendar.draw(rng, plan.channel, judge),
        answered=answered,
    )
    if not answered:
        return contact  # no wait, no handler, every question cell empty
    contact.handled_by = draw_handler(plan, rng)
    contact.wait_seconds = draw_wait(plan, rng, contact.handled_by)
    contact_level = clamp(rng.gauss(level, CONTACT_SPREAD), 15.0, 100.0) / 100
    wait_key, _ = WAIT_SCALES[plan.channel]
    for question in QUESTIONNAIRES[plan.channel]:
        if not question.counts:
            continue  # customer experience follows the final score, see finish()
        if question.key == wait_key:
            contact.answers[question.key] = wait_points(plan.channel, contact.wait_seconds)
        elif not_applicable(plan.channel, question.key, plan, contact, rng):
            contact.answers[question.key] = None
        else:
            contact.answers[question.key] = draw_points(question.max_points, contact_level, rng)
    contact.wait_seconds = fit_wait(plan.channel, contact.wait_seconds)  # inside the limit, with the same points
    return contact


def draw_channel(plan: Plan, calendar: Calendar) -> list[Contact]:
    """The counted contacts of one company in one channel, drawn around its target."""
    rng = rng_for("contacts", plan.company.name, plan.channel)
    missed = missed_count(plan, rng)
    # Unanswered contacts score 0, so the answered ones carry the whole target.
    level = float(plan.target) * plan.contacts / (plan.contacts - missed)
    answered = [False] * missed + [True] * (plan.contacts - missed)
    rng.shuffle(answered)
    return [draw_contact(plan, rng, calendar, answered=flag, level=level) for flag in answered]
