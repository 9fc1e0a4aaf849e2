"""A deterministic demo edition bundle, shaped like Kundeserviceprisen 2021.

`generate_bundle(path)` writes the three files of docs/bundle-format.md
(edition.json, participants.csv, contacts.csv) into `path`;
`python -m demo.generate OUT_DIR` does the same from the command line.

The demo has to tell a known story: an interim publication of this bundle must
show exactly the top 3 and field averages of EXPECTED_INTERIM. Rather than
searching for a lucky seed, the generator builds that result on purpose:

1. every participant gets a target channel total per channel: the top 3 well
   above the rest, the others spread below them and shifted so that their mean
   gives the published field average;
2. contacts are drawn around those targets from seeded random generators;
3. answers are then nudged one point at a time until each channel total sits
   on its target and each field average rounds to the published one;
4. the interim table is recomputed with scoring.rules and scoring.results (the
   same pure code the application publishes with) and checked, so a bundle
   that would tell a different story is never written.

Nothing depends on the clock, on hash order or on global random state, so two
runs write byte-identical files. No Django here: only the pure scoring modules and the bundle's format.
"""

from __future__ import annotations

import argparse
import csv
import json
import math
import random
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta, timezone
from decimal import Decimal
from pathlib import Path

from channels_app.bundle.format import CONTACT_COLUMNS, CONTACTS_FILE, EDITION_FILE, PARTICIPANT_COLUMNS, PARTICIPANTS_FILE
from publications.payload import interim_payload
from scoring import rules
from scoring.results import ChannelTally, EditionResults, Entrant, compute_results

# --------------------------------------------------------------------------- the edition

SEED = "kundeserviceprisen-2021"
YEAR = 2021
EDITION_NAME = "Kundeserviceprisen 2021"
STARTS_ON = date(2021, 1, 15)
ENDS_ON = date(2021, 4, 12)
MIN_CONTACTS = 3
CHANNELS = rules.CHANNELS
# Every timestamp is written with +01:00 (Norwegian winter time), also after the
# switch to summer time on 28 March: the offset makes each moment unambiguous.
OFFSET = timezone(timedelta(hours=1))
# Easter 2021 (Maundy Thursday, Good Friday, Easter Monday): nobody tests customer service then.
HOLIDAYS = frozenset({date(2021, 4, 1), date(2021, 4, 2), date(2021, 4, 5)})
JUDGES = tuple(f"dommer{number}" for number in range(1, 7))  # dommer1 is the demo judge login
JUDGE_PAUSE = timedelta(minutes=20)  # a judge finishes one contact (and its form) before the next
# An interim payload needs a publication moment; a fixed one keeps the self-check off the clock.
CHECKED_AT = datetime(2021, 3, 1, 12, 0, tzinfo=UTC)

# The interim table the bundle must publish: top 3 per channel (a set) and the field average.
EXPECTED_INTERIM: dict[str, tuple[frozenset[str], str]] = {
    "phone": (frozenset({"Sixt", "Frende Forsikring", "Sognenett"}), "82.0"),
    "email": (frozenset({"Sognenett", "Tussa", "Svea"}), "74.3"),
    "chat": (frozenset({"Eidsiva Bredbånd", "Telia Bredbånd", "Tussa"}), "67.8"),
    "messenger": (frozenset({"Lindorff", "Sognenett", "Europcar"}), "62.1"),
}

# --------------------------------------------------------------------------- questionnaires

WAITING = "Svar og ventetid"
AGENT = "Kundebehandleren"
SOLUTION = "Løsning"
CLOSING = "Avslutning"
EXPERIENCE = "Kundeopplevelse"  # recorded and shown, never scored (counts = false)


@dataclass(frozen=True)
class Question:
    key: str
    text: str
    area: str
    max_points: int
    counts: bool = True

    def as_json(self) -> dict[str, object]:
        return {"key": self.key, "text": self.text, "area": self.area, "max_points": self.max_points, "counts": self.counts}


CORRECT = Question("korrekt_svar", "Fikk du et korrekt svar på spørsmålet ditt?", SOLUTION, 10)
OVERALL = Question("helhetsinntrykk", "Hvordan var helhetsinntrykket av kontakten?", EXPERIENCE, 10, counts=False)
RECOMMEND = Question(
    "anbefaling", "Hvor sannsynlig er det at du ville anbefalt selskapet til en venn?", EXPERIENCE, 10, counts=False
)
HANDOVER = Question("overlevering", "Gikk overgangen fra chatbot til kundebehandler greit?", SOLUTION, 3)
MORE_HELP = Question("mer_hjelp", "Ble du spurt om det var noe mer du trengte hjelp til?", CLOSING, 2)

QUESTIONNAIRES: dict[str, tuple[Question, ...]] = {
    "phone": (
        Question("ventetid", "Hvor lang tid tok det før du fikk snakke med en kundebehandler?", WAITING, 5),
        Question("ko_info", "Fikk du beskjed om plass i køen eller forventet ventetid?", WAITING, 2),
        Question("talemeny", "Var talemenyen kort og lett å forstå?", WAITING, 3),
        Question("tilbud_oppringing", "Ble du tilbudt å bli ringt opp i stedet for å vente i kø?", WAITING, 2),
        Question("presentasjon", "Presenterte kundebehandleren seg med navn og selskap?", AGENT, 3),
        Question("vennlighet", "Var kundebehandleren vennlig og imøtekommende?", AGENT, 5),
        Question("lytting", "Lyttet kundebehandleren og forsto hva du trengte hjelp til?", AGENT, 5),
        Question("sprak", "Var språket klart og uten unødvendig fagsjargong?", AGENT, 3),
        Question("engasjement", "Viste kundebehandleren engasjement for saken din?", AGENT, 4),
        CORRECT,
        Question("fullstendig_svar", "Var svaret fullstendig, slik at du ikke trenger å ta kontakt igjen?", SOLUTION, 8),
        Question("merverdi", "Fikk du nyttige råd eller informasjon utover det du spurte om?", SOLUTION, 4),
        Question("oppsummering", "Oppsummerte kundebehandleren hva dere var blitt enige om?", CLOSING, 3),
        MORE_HELP,
        Question("avslutning", "Ble samtalen avsluttet på en hyggelig måte?", CLOSING, 2),
        OVERALL,
        RECOMMEND,
        Question("ivaretatt", "Følte du deg godt ivaretatt?", EXPERIENCE, 5, counts=False),
    ),
    "email": (
        Question("svartid", "Hvor raskt fikk du svar på e-posten?", WAITING, 8),
        Question("mottaksbekreftelse", "Fikk du en automatisk bekreftelse på at e-posten var mottatt?", WAITING, 2),
        Question("forventet_svartid", "Ble det opplyst når du kunne vente svar?", WAITING, 2),
        Question("personlig_tiltale", "Var svaret personlig tiltalt og signert med navn?", AGENT, 3),
        Question("tone", "Var tonen vennlig og profesjonell?", AGENT, 4),
        Question("sprak", "Var språket korrekt og uten skrivefeil?", AGENT, 3),
        Question("forstaelse", "Var det tydelig at henvendelsen var lest og forstått?", AGENT, 5),
        CORRECT,
        Question("fullstendig_svar", "Svarte e-posten på alle delene av henvendelsen?", SOLUTION, 8),
        Question("struktur", "Var svaret oversiktlig og lett å følge?", SOLUTION, 4),
        Question("lenker", "Fikk du relevante lenker eller vedlegg?", SOLUTION, 2),
        Question("videre_kontakt", "Ble det opplyst hvordan du kunne ta kontakt igjen?", CLOSING, 2),
        Question("avslutning", "Var avslutningen hyggelig og personlig?", CLOSING, 2),
        OVERALL,
        RECOMMEND,
    ),
    "chat": (
        Question("tilgjengelighet", "Var chatten lett å finne på nettsiden?", WAITING, 3),
        Question("ventetid", "Hvor lang tid tok det før du fikk svar i chatten?", WAITING, 5),
        Question("ko_info", "Fikk du beskjed om plass i køen?", WAITING, 2),
        Question("presentasjon", "Presenterte kundebehandleren eller chatboten seg?", AGENT, 2),
        Question("tone", "Var tonen vennlig og personlig?", AGENT, 4),
        Question("responstid", "Kom svarene raskt underveis i samtalen?", AGENT, 4),
        Question("forstaelse", "Ble spørsmålet ditt forstått?", AGENT, 5),
        Question("sprak", "Var språket klart og korrekt?", AGENT, 3),
        CORRECT,
        Question("fullstendig_svar", "Var svaret fullstendig, slik at du ikke trenger å ta kontakt igjen?", SOLUTION, 8),
        Question("lenker", "Fikk du relevante lenker i chatten?", SOLUTION, 2),
        HANDOVER,
        MORE_HELP,
        Question("samtalelogg", "Ble du tilbudt en kopi av samtalen?", CLOSING, 2),
        Question("avslutning", "Ble chatten avsluttet på en hyggelig måte?", CLOSING, 2),
        OVERALL,
        RECOMMEND,
    ),
    "messenger": (
        Question("svartid", "Hvor raskt kom det første svaret?", WAITING, 6),
        Question("autosvar", "Fikk du et automatisk svar med forventet svartid?", WAITING, 2),
        Question("tone", "Var tonen vennlig og tilpasset kanalen?", AGENT, 4),
        Question("personlig", "Føltes svaret personlig, og ikke som et standardsvar?", AGENT, 3),
        Question("forstaelse", "Ble spørsmålet ditt forstått?", AGENT, 5),
        Question("sprak", "Var språket klart og korrekt?", AGENT, 3),
        CORRECT,
        Question("fullstendig_svar", "Var svaret fullstendig?", SOLUTION, 6),
        Question("losning_i_kanalen", "Fikk du løst saken i Messenger uten å bli sendt til en annen kanal?", SOLUTION, 4),
        HANDOVER,
        MORE_HELP,
        Question("avslutning", "Ble samtalen avsluttet på en hyggelig måte?", CLOSING, 2),
        OVERALL,
        RECOMMEND,
    ),
}

# The waiting question of each channel is scored from the measured wait, not by
# feel, so that wait_seconds and its points always agree: (question key,
# ((at most this many seconds, points), ...)); anything slower scores 0.
WAIT_SCALES: dict[str, tuple[str, tuple[tuple[int, int], ...]]] = {
    "phone": ("ventetid", ((30, 5), (60, 4), (120, 3), (240, 2), (420, 1))),
    "email": ("svartid", ((3600, 8), (7200, 7), (4 * 3600, 6), (8 * 3600, 5), (24 * 3600, 4), (48 * 3600, 2), (72 * 3600, 1))),
    "chat": ("ventetid", ((20, 5), (45, 4), (90, 3), (180, 2), (300, 1))),
    "messenger": ("svartid", ((120, 6), (300, 5), (900, 4), (1800, 3), (3600, 2), (4 * 3600, 1))),
}

# --------------------------------------------------------------------------- participants

CLASSES = ("Bank", "Forsikring", "Bredbånd og TV", "Mobil", "Strøm", "Bilutleie", "Inkasso", "Netthandel", "Reise", "Offentlig")


@dataclass(frozen=True)
class Company:
    name: str
    class_name: str
    channels: tuple[str, ...]


def company(name: str, class_name: str, channels: str) -> Company:
    return Company(name, class_name, tuple(channels.split("|")))


# The real names are the ones the demo's story is about; every other name is
# invented. Phone is offered almost everywhere, chat more often than messenger,
# web shops skip the phone, and two small companies answer the phone only.
COMPANIES: tuple[Company, ...] = (
    company("Fjellheim Sparebank", "Bank", "phone|email|chat|messenger"),
    company("Nordvik Bank", "Bank", "phone|email|chat"),
    company("Havbris Bank", "Bank", "phone|email|chat"),
    company("Kvitfjell Kreditt", "Bank", "phone|email"),
    company("Sparebanken Øyfjord", "Bank", "phone|email|chat|messenger"),
    company("Frende Forsikring", "Forsikring", "phone|email|chat"),
    company("Trygghavn Forsikring", "Forsikring", "phone|email|chat|messenger"),
    company("Varde Forsikring, avd. Nord", "Forsikring", "phone|email"),
    company("Bølgen Skadeforsikring", "Forsikring", "phone|email|chat"),
    company("Ankerfeste Forsikring", "Forsikring", "phone|chat|messenger"),
    company("Sognenett", "Bredbånd og TV", "phone|email|messenger"),
    company("Tussa", "Bredbånd og TV", "phone|email|chat"),
    company("Eidsiva Bredbånd", "Bredbånd og TV", "phone|email|chat"),
    company("Telia Bredbånd", "Bredbånd og TV", "phone|email|chat|messenger"),
    company("Fjordglimt Fiber", "Bredbånd og TV", "phone|email"),
    company("Bygdenett Vest", "Bredbånd og TV", "phone"),
    company("Tindesignal Mobil", "Mobil", "phone|email|chat|messenger"),
    company("Snøfnugg Mobil", "Mobil", "phone|chat|messenger"),
    company("Sølvmåke Mobil", "Mobil", "phone|email|chat"),
    company("Kystlinje Mobil", "Mobil", "phone|email|chat|messenger"),
    company("Vindkast Energi", "Strøm", "phone|email|chat"),
    company("Solgløtt Strøm", "Strøm", "phone|email|chat|messenger"),
    company("Elvekraft Nord", "Strøm", "phone|email"),
    company("Fossekall Energi", "Strøm", "phone|email|chat"),
    company("Lysstreif Strøm", "Strøm", "phone|email|messenger"),
    company("Sixt", "Bilutleie", "phone|email|chat"),
    company("Europcar", "Bilutleie", "phone|chat|messenger"),
    company("Veiviser Bilutleie", "Bilutleie", "phone|email"),
    company("Fjordbil Utleie", "Bilutleie", "phone|email|messenger"),
    company("Svea", "Inkasso", "phone|email"),
    company("Lindorff", "Inkasso", "phone|email|messenger"),
    company("Kravforvaltning Midt", "Inkasso", "phone|email"),
    company("Rettrygg Inkasso", "Inkasso", "phone|email|chat"),
    company("Kurvfull Nettbutikk", "Netthandel", "email|chat|messenger"),
    company("Trådsnelle Mote", "Netthandel", "email|chat|messenger"),
    company("Hjemmefiks Netthandel", "Netthandel", "phone|email|chat"),
    company("Boklykke Nettbokhandel", "Netthandel", "email|chat"),
    company("Kjøp & Hent Elektro", "Netthandel", "phone|email|chat|messenger"),
    company("Lundefjell Reiser", "Reise", "phone|email|chat"),
    company("Fjordferie Charter", "Reise", "phone|email|messenger"),
    company("Kompassrosa Reiser", "Reise", "phone|email|chat|messenger"),
    company("Havørn Cruise", "Reise", "phone|email"),
    company("Turistbussen Vest", "Reise", "phone"),
    company("Sjøvik kommune", "Offentlig", "phone|email|chat"),
    company("Fjellbygd kommune", "Offentlig", "phone|email"),
    company("Direktoratet for innbyggerservice", "Offentlig", "phone|email|chat"),
    company("Trafikkontoret Øst", "Offentlig", "phone|email|chat|messenger"),
    company("Havnevesenet i Storvik", "Offentlig", "phone|email"),
)

# A little realism in who does well: industries differ (public offices and debt
# collectors tend to lag), and each company has its own form across channels.
CLASS_BIAS: dict[str, float] = {
    "Bank": 2.0,
    "Forsikring": 2.0,
    "Bredbånd og TV": 0.0,
    "Mobil": 0.5,
    "Strøm": -1.0,
    "Bilutleie": 1.0,
    "Inkasso": -3.0,
    "Netthandel": -1.0,
    "Reise": -2.0,
    "Offentlig": -5.0,
}
COMPANY_FORM_SPREAD = 3.0
STAR_FORM_BONUS = 3.0  # the companies in a top 3 are good companies, in their other channels too

# --------------------------------------------------------------------------- how each channel behaves


@dataclass(frozen=True)
class ChannelProfile:
    weight: float  # share of a company's contacts, renormalised over the channels it offers
    top_range: tuple[float, float]  # the top 3 channel totals are drawn from here
    spread: float  # standard deviation of the other companies' channel totals
    floor: float  # nobody is planned below this total
    median_wait: float  # seconds, for a company whose channel total is `wait_pivot`
    wait_pivot: float
    wait_decay: float  # the median wait shrinks by e for every `wait_decay` points of total above the pivot
    wait_bounds: tuple[int, int]  # seconds
    missed_pivot: float  # share of unanswered contacts = (missed_pivot - total) / missed_slope, capped
    missed_slope: float
    missed_cap: float
    off_hours: float  # share of contacts made in the evening or at the weekend
    chatbot_share: float  # share of companies that put a chatbot in front (chat and messenger only)


PROFILES: dict[str, ChannelProfile] = {
    "phone": ChannelProfile(0.40, (92.5, 96.5), 6.0, 45.0, 70, 80, 12, (4, 1500), 88, 60, 0.35, 0.0, 0.0),
    "email": ChannelProfile(0.25, (86.5, 92.5), 9.0, 35.0, 5 * 3600, 75, 12, (300, 7 * 86400), 70, 100, 0.2, 0.2, 0.0),
    "chat": ChannelProfile(0.20, (82.5, 89.5), 10.0, 30.0, 45, 75, 14, (3, 1200), 85, 50, 0.4, 0.05, 0.5),
    "messenger": ChannelProfile(0.15, (78.5, 86.0), 11.0, 25.0, 12 * 60, 70, 12, (30, 2 * 86400), 75, 80, 0.3, 0.3, 0.4),
}
CONTACTS_PER_COMPANY = (23, 27)  # counted contacts, inclusive range
TOP_MARGIN = Decimal("2.5")  # every other company stays this far below the third of the top 3
SOFT_CEILING = 6.0  # points below that cap where planned totals start to bend (see soft_clip)
MIN_MARGIN = Decimal("2.0")  # checked at the end: the top 3 must not win by a whisker
SETTLE_TOLERANCE = Decimal("0.02")  # field averages end this close to the published value
CONTACT_SPREAD = 8.0  # points: how much one contact differs from the company's usual level
ANSWER_NOISE = 0.12  # how much one answer differs from the contact's level (share of max)
VOIDED_CONTACTS = 9
REF_PREFIX = {"phone": "T", "email": "E", "chat": "C", "messenger": "M"}


class GenerationError(RuntimeError):
    """The generator could not build the bundle it promises; nothing is written."""


def rng_for(*parts: object) -> random.Random:
    """A generator of its own for each purpose, so changing one part of the demo leaves the rest as it was.

    A str seed is hashed with SHA-512 by random.seed, independent of PYTHONHASHSEED.
    """
    return random.Random(":".join([SEED, *(str(part) for part in parts)]))


def clamp(value: float, low: float, high: float) -> float:
    return max(low, min(high, value))


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


# --------------------------------------------------------------------------- steering to the targets


def movable_keys(contact: Contact, direction: int) -> list[str]:
    """Counted answers that can take one point in `direction`; the waiting question follows the wait, so never."""
    wait_key, _ = WAIT_SCALES[contact.channel]
    keys = []
    for question in QUESTIONNAIRES[contact.channel]:
        points = contact.answers.get(question.key)
        if not question.counts or question.key == wait_key or points is None:
            continue
        if (direction > 0 and points < question.max_points) or (direction < 0 and points > 0):
            keys.append(question.key)
    return keys


def nudge(contacts: Sequence[Contact], direction: int, rng: random.Random) -> bool:
    """Move one answer one point up (+1) or down (-1); False when nothing can move."""
    movable = [(contact, keys) for contact in contacts if contact.answered and (keys := movable_keys(contact, direction))]
    if not movable:
        return False
    # Take from the best contacts and give to the weakest, so contact scores keep a
    # natural spread instead of all drifting towards 100 or 0.
    movable.sort(key=lambda item: item[0].score(), reverse=direction < 0)
    contact, keys = rng.choice(movable[: max(1, (len(movable) + 1) // 2)])
    key = rng.choice(keys)
    contact.answers[key] = (contact.answers[key] or 0) + direction
    return True


def steer(
    contacts: Sequence[Contact], rng: random.Random, *, at_least: Decimal | None = None, at_most: Decimal | None = None
) -> None:
    """Nudge answers until the channel total is >= at_least and/or <= at_most."""
    for _ in range(100_000):
        total = channel_total(contacts)
        if at_least is not None and total < at_least:
            direction = 1
        elif at_most is not None and total > at_most:
            direction = -1
        else:
            return
        if not nudge(contacts, direction, rng):
            raise GenerationError(f"{contacts[0].participant} {contacts[0].channel}: cannot reach its target")
    raise GenerationError("steering did not settle")


def steer_to_plan(plan: Plan, contacts: Sequence[Contact], cap: Decimal) -> None:
    rng = rng_for("steer", plan.company.name, plan.channel)
    # Cross the target from wherever the draw landed: the total ends within one point's step of it.
    if channel_total(contacts) > plan.target:
        steer(contacts, rng, at_most=plan.target)
    else:
        steer(contacts, rng, at_least=plan.target)
    if plan.top:
        steer(contacts, rng, at_least=plan.target)  # the top 3 never end below their target...
    else:
        steer(contacts, rng, at_most=cap)  # ...and nobody else above the cap, so the margin holds


def settle_average(channel: str, plans: Sequence[Plan], contacts: dict[tuple[str, str], list[Contact]], cap: Decimal) -> None:
    """Nudge the companies outside the top 3, one point each in turn, until the field average rounds right.

    Taking turns spreads the correction thinly over many companies instead of
    bending one of them; raising stops a safe distance below the cap.
    """
    rng = rng_for("settle", channel)
    goal = Decimal(EXPECTED_INTERIM[channel][1])
    totals = {plan.company.name: channel_total(contacts[(plan.company.name, channel)]) for plan in plans}
    turns = sorted(plan.company.name for plan in plans if not plan.top)
    rng.shuffle(turns)
    for step in range(100_000):
        average = rules.field_average(list(totals.values()))
        if average is None:
            raise GenerationError(f"{channel}: no field")
        if abs(average - goal) <= SETTLE_TOLERANCE:
            return
        direction = -1 if average > goal else 1
        name = turns[step % len(turns)]
        if direction > 0 and totals[name] + 1 > cap:
            continue
        if nudge(contacts[(name, channel)], direction, rng):
            totals[name] = channel_total(contacts[(name, channel)])
    raise GenerationError(f"{channel}: the field average did not settle")


# --------------------------------------------------------------------------- finishing touches

GOOD, FAIR, POOR = "good", "fair", "poor"

# Judges write the way judges do: short, concrete, now and then with a comma or a quote.
COMMENTS: dict[str, dict[str, tuple[str, ...]]] = {
    "any": {
        GOOD: (
            "Svært hyggelig og kunnskapsrik kundebehandler.",
            "Fikk et presist svar med en gang, og et godt tips i tillegg.",
            "Veldig god opplevelse. Følte meg tatt på alvor.",
            "Løste saken på stedet, ingen grunn til å ta kontakt igjen.",
            "Proff og vennlig, oppsummerte hva vi var blitt enige om.",
            "Rask, hyggelig og rett på sak.",
            "Forklarte vilkårene enkelt og uten fagsjargong.",
            "Kunne ikke vært bedre.",
            "Kundebehandleren foreslo selv en bedre løsning enn den jeg spurte om.",
            "Imøtekommende og grundig, sjekket at jeg hadde forstått alt.",
            "Profesjonelt fra start til slutt.",
            "Svært godt svar, og hyggelig avslutning.",
        ),
        FAIR: (
            "Riktig svar, men litt kort for hodet.",
            "Måtte forklare saken to ganger før kundebehandleren forsto hva jeg mente.",
            "Greit svar, men ble ikke spurt om det var noe mer jeg lurte på.",
            "Svaret var korrekt, men med mye fagsjargong.",
            "Hyggelig, men jeg måtte selv be om en oppsummering.",
            "Fikk svar, men ikke på alle delene av spørsmålet.",
            "Helt greit, men lite personlig.",
            "Kundebehandleren måtte sjekke med en kollega, og det tok tid.",
            "Ok svar, men jeg måtte spørre flere ganger for å få alle detaljene.",
            "Vennlig nok, men svaret var noe upresist.",
            "Fikk hjelp, men ingen forklaring på hvorfor fakturaen var høyere enn vanlig.",
        ),
        POOR: (
            "Fikk feil informasjon om oppsigelsestiden.",
            "Ble satt over to ganger og fikk likevel ikke svar.",
            "Kundebehandleren virket stresset og lite interessert.",
            "Fikk et standardsvar som ikke passet spørsmålet.",
            "Ble bedt om å sjekke nettsiden selv.",
            "Uklart svar, jeg vet fortsatt ikke hva som gjelder.",
            "Fikk beskjed om å ta kontakt igjen senere, uten at saken ble notert.",
            "Svaret motsa det som står på nettsiden.",
            'Sa bare "det vet jeg ikke", og avsluttet.',
        ),
    },
    "phone": {
        GOOD: ("Tydelig talemeny og rask hjelp.", "Ringte tilbake som avtalt, og hadde sjekket saken på forhånd."),
        FAIR: ("Lang talemeny med mange valg før jeg kom frem.", "Dårlig lyd på linjen, men kundebehandleren var tålmodig."),
        POOR: ("Samtalen ble brutt én gang underveis, og ingen ringte tilbake.",),
    },
    "email": {
        GOOD: ("Godt strukturert svar med lenke til riktig skjema.", "Personlig svar, signert med fullt navn."),
        FAIR: ("Svaret var riktig, men gikk ikke inn på alle spørsmålene i e-posten.",),
        POOR: ("Standardsvar med lenke til ofte stilte spørsmål.", "Svaret var på engelsk, selv om jeg skrev på norsk."),
    },
    "chat": {
        GOOD: ("Fikk en kopi av chatten på e-post etterpå, nyttig.",),
        FAIR: ("Lange pauser mellom svarene i chatten.",),
        POOR: ("Chatten ble avsluttet midt i samtalen.",),
    },
    "messenger": {
        GOOD: ("Uformell og hyggelig tone som passet kanalen.", "Svarte raskt, med både emoji og et presist svar."),
        FAIR: ("Greit svar, men ble bedt om å sende det samme på e-post.",),
        POOR: ("Ble henvist til telefon i stedet for å få svar i Messenger.",),
    },
    # Chatbots get their own remarks: "the agent" makes no sense when nobody but the bot took part.
    "bot": {
        GOOD: ("Chatboten løste saken på egen hånd, imponerende.", "Chatboten forsto spørsmålet og ga riktig lenke."),
        FAIR: (
            "Chatboten ga et generelt svar, men det holdt akkurat.",
            "Måtte omformulere spørsmålet tre ganger før chatboten forsto.",
        ),
        POOR: ("Chatboten forsto ikke spørsmålet og ga opp.", "Chatboten gikk i ring, fikk aldri snakke med et menneske."),
    },
    "bot_to_agent": {
        GOOD: ("Chatboten satte meg raskt over til en kundebehandler, sømløs overgang.",),
        FAIR: ("Måtte gjenta alt etter overgangen fra chatboten til kundebehandleren.",),
        POOR: ("Lang ventetid etter at chatboten sendte meg videre, og svaret var feil.",),
    },
}
UNANSWERED_COMMENTS: dict[str, tuple[str, ...]] = {
    "phone": (
        "Ga opp etter {minutes} minutter i kø.",
        "Ingen svar, samtalen ble brutt etter {minutes} minutter.",
        "Telefonkøen var full, fikk beskjed om å ringe senere.",
        "Ringte innenfor åpningstiden, men fikk beskjed om at kundeservice var stengt.",
    ),
    "email": ("Ingen svar etter sju dager.", "Fikk bare en automatisk bekreftelse, aldri noe svar."),
    "chat": (
        "Ingen kundebehandler svarte innen {minutes} minutter.",
        "Chatten var stengt innenfor oppgitt åpningstid.",
        "Chatvinduet hang seg opp i køen, ga opp etter {minutes} minutter.",
    ),
    "messenger": ("Ingen svar på meldingen etter tre døgn.", "Meldingen ble lest, men aldri besvart."),
}
# A voided contact must say why (the database refuses a void without a reason).
VOID_REASONS: dict[str, tuple[str, ...]] = {
    "any": (
        "Annullert: registrert to ganger ved en feil.",
        "Annullert: dommeren ble gjenkjent som kunde, kontakten var ikke anonym.",
        "Annullert: dommeren har meldt inhabilitet (nær familie jobber i selskapet).",
    ),
    "phone": (
        "Annullert: dommeren ringte bedriftskundeavdelingen i stedet for privatkundeservice.",
        "Annullert: dårlig linje hos dommeren, samtalen kunne ikke vurderes.",
    ),
    "email": ("Annullert: e-posten ble sendt til feil adresse.",),
    "chat": ("Annullert: teknisk feil i nettleseren hos dommeren.",),
    "messenger": ("Annullert: meldingen ble sendt fra dommerens private profil.",),
}
EMPTY_COMMENT_SHARE = 0.3


def band(score: Decimal) -> str:
    return GOOD if score >= 85 else FAIR if score >= 65 else POOR


def wait_remark(contact: Contact) -> str:
    """A remark on a long wait, in the unit a customer would use; empty when the wait was unremarkable."""
    wait = contact.wait_seconds or 0
    if contact.channel == "phone" and wait >= 300:
        return f"Ventet {round(wait / 60)} minutter i kø."
    if contact.channel == "chat" and wait >= 180:
        return f"Ventet {round(wait / 60)} minutter på svar i chatten."
    if contact.channel == "email" and wait >= 24 * 3600:
        return f"Svaret kom først etter {wait // 3600} timer."
    if contact.channel == "messenger" and wait >= 2 * 3600:
        return f"Første svar kom etter {wait // 3600} timer."
    return ""


def comment_for(contact: Contact, rng: random.Random) -> str:
    if contact.voided:
        return rng.choice(VOID_REASONS["any"] + VOID_REASONS[contact.channel])
    if not contact.answered:
        return rng.choice(UNANSWERED_COMMENTS[contact.channel]).format(minutes=rng.randint(8, 20))
    if rng.random() < EMPTY_COMMENT_SHARE:
        return ""
    quality = band(contact.score())
    if contact.handled_by == "bot":
        pool = COMMENTS["bot"][quality]
    else:
        pool = COMMENTS["any"][quality] + COMMENTS[contact.channel][quality]
        if contact.handled_by == "bot_to_agent":
            pool += COMMENTS["bot_to_agent"][quality]
    remark = wait_remark(contact)
    body = rng.choice(pool)
    return f"{remark} {body}" if remark else body


def fill_experience(contact: Contact, rng: random.Random) -> None:
    """The customer-experience answers (counts = false) follow the final score, as a judge's feeling would."""
    if not contact.answered:
        return
    level = float(contact.score()) / 100
    for question in QUESTIONNAIRES[contact.channel]:
        if question.counts:
            continue
        if question is RECOMMEND and rng.random() < 0.05:
            contact.answers[question.key] = None  # "would not know": a judge may leave it blank
            continue
        share = clamp(level + rng.gauss(-0.03 if question is RECOMMEND else 0.0, 0.1), 0.0, 1.0)
        contact.answers[question.key] = math.floor(share * question.max_points + 0.5)


def assign_refs(contacts: Sequence[Contact]) -> None:
    """Refs number each channel's contacts in time order, T0001, E0001, ... as a logbook would."""
    for channel in CHANNELS:
        in_channel = sorted((c for c in contacts if c.channel == channel), key=lambda c: c.happened_at)
        for number, contact in enumerate(in_channel, start=1):
            contact.ref = f"{REF_PREFIX[channel]}{number:04d}"


# --------------------------------------------------------------------------- the whole bundle


@dataclass
class Bundle:
    companies: tuple[Company, ...]
    contacts: list[Contact]  # counted and voided, in file order


def build_bundle() -> Bundle:
    """Everything in memory, checked against EXPECTED_INTERIM; raises GenerationError when it does not hold."""
    plans, caps = make_plans()
    calendar = Calendar()
    counted: dict[tuple[str, str], list[Contact]] = {}
    for plan in plans:
        counted[(plan.company.name, plan.channel)] = draw_channel(plan, calendar)

    # A few contacts are voided afterwards (wrong number, a judge recognised...):
    # recorded in full like any other, but they count nowhere.
    rng = rng_for("voided")
    voided = []
    for plan in rng.sample(plans, VOIDED_CONTACTS):
        contact = draw_contact(plan, rng, calendar, answered=rng.random() < 0.8, level=float(plan.target))
        contact.voided = True
        voided.append(contact)

    for plan in plans:
        steer_to_plan(plan, counted[(plan.company.name, plan.channel)], caps[plan.channel])
    for channel in CHANNELS:
        settle_average(channel, [plan for plan in plans if plan.channel == channel], counted, caps[channel])

    contacts = [contact for group in counted.values() for contact in group] + voided
    contacts.sort(key=lambda contact: contact.happened_at)
    assign_refs(contacts)
    rng = rng_for("finish")
    for contact in contacts:
        fill_experience(contact, rng)
        contact.comment = comment_for(contact, rng)

    bundle = Bundle(companies=COMPANIES, contacts=contacts)
    check_interim(bundle)
    return bundle


def edition_results(bundle: Bundle) -> EditionResults:
    """scoring.md §2-§4 over the bundle's counted contacts, by the application's own pure code."""
    entrants = [Entrant(number, c.name, c.class_name, c.channels) for number, c in enumerate(bundle.companies, start=1)]
    ids = {entrant.name: entrant.id for entrant in entrants}
    tallies: dict[tuple[int, str], ChannelTally] = {}
    for contact in bundle.contacts:
        if contact.voided:
            continue
        key = (ids[contact.participant], contact.channel)
        tallies[key] = tallies.get(key, ChannelTally()).add(
            score=contact.score(), answered=contact.answered, handled_by=contact.handled_by
        )
    return compute_results(year=YEAR, classes=CLASSES, entrants=entrants, tallies=tallies, min_contacts=MIN_CONTACTS)


def check_interim(bundle: Bundle) -> None:
    """The promise of this module: the interim table, with top 3 margins that are not razor-thin."""
    results = edition_results(bundle)
    channels = interim_payload(results, published_at=CHECKED_AT)["channels"]
    for channel, (top3, average) in EXPECTED_INTERIM.items():
        got = channels[channel]
        if set(got["top3"]) != top3 or got["average"] != average:
            raise GenerationError(
                f"{channel}: got top3 {got['top3']} average {got['average']}, expected {sorted(top3)} {average}"
            )
        totals = sorted((r.score.total for r in results.in_channel(channel) if r.score.total is not None), reverse=True)
        if totals[2] - totals[3] < MIN_MARGIN:
            raise GenerationError(f"{channel}: third place wins by only {totals[2] - totals[3]}")


# --------------------------------------------------------------------------- writing


def edition_json() -> str:
    """edition.json laid out like the spec's sample: one question per line, easy to read and to diff."""

    def dumps(value: object) -> str:
        return json.dumps(value, ensure_ascii=False)

    blocks = []
    for channel in CHANNELS:
        rows = ",\n".join(f"   {dumps(question.as_json())}" for question in QUESTIONNAIRES[channel])
        blocks.append(f"  {dumps(channel)}: [\n{rows}\n  ]")
    lines = [
        "{",
        f' "year": {YEAR},',
        f' "name": {dumps(EDITION_NAME)},',
        f' "starts_on": {dumps(STARTS_ON.isoformat())},',
        f' "ends_on": {dumps(ENDS_ON.isoformat())},',
        f' "min_contacts_per_channel": {MIN_CONTACTS},',
        f' "classes": {dumps(list(CLASSES))},',
        ' "questions": {',
        ",\n".join(blocks),
        " }",
        "}",
    ]
    return "\n".join(lines) + "\n"


def participant_rows(bundle: Bundle) -> list[list[str]]:
    return [list(PARTICIPANT_COLUMNS)] + [[c.name, c.class_name, "|".join(c.channels)] for c in bundle.companies]


def contact_rows(bundle: Bundle) -> list[list[str]]:
    question_columns = [(channel, question) for channel in CHANNELS for question in QUESTIONNAIRES[channel]]
    rows = [[*CONTACT_COLUMNS, *(f"{channel}.{question.key}" for channel, question in question_columns)]]
    for contact in bundle.contacts:
        cells = [
            contact.ref,
            contact.participant,
            contact.channel,
            contact.judge,
            contact.happened_at.isoformat(),
            "true" if contact.answered else "false",
            "" if contact.wait_seconds is None else str(contact.wait_seconds),
            contact.handled_by,
            "true" if contact.voided else "false",
            contact.comment,
        ]
        for channel, question in question_columns:
            points = contact.answers.get(question.key) if channel == contact.channel else None
            cells.append("" if points is None else str(points))  # other channels' cells and N/A stay empty
        rows.append(cells)
    return rows


def write_csv(path: Path, rows: list[list[str]]) -> None:
    # "\n" line ends like the spec's sample files; csv quotes only what needs quoting (RFC 4180).
    with path.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle, lineterminator="\n").writerows(rows)


def generate_bundle(path: Path) -> None:
    """Create `path` (if needed) and write edition.json, participants.csv and contacts.csv into it."""
    bundle = build_bundle()  # built and checked before anything is written
    path = Path(path)
    path.mkdir(parents=True, exist_ok=True)
    (path / EDITION_FILE).write_text(edition_json(), encoding="utf-8", newline="")
    write_csv(path / PARTICIPANTS_FILE, participant_rows(bundle))
    write_csv(path / CONTACTS_FILE, contact_rows(bundle))


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m demo.generate", description="Write the demo edition bundle (Kundeserviceprisen 2021)."
    )
    parser.add_argument("out_dir", type=Path, help="folder to write edition.json, participants.csv and contacts.csv into")
    args = parser.parse_args(argv)
    generate_bundle(args.out_dir)
    print(f"Wrote the {YEAR} demo bundle to {args.out_dir}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
