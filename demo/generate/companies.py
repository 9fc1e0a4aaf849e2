"""The demo's companies, their classes and channels, and how each channel behaves."""

from __future__ import annotations

import random
from dataclasses import dataclass
from decimal import Decimal

from demo.generate.edition import SEED

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
    return random.Random(":".join([SEED, *(str(part) for part in parts)]))  # nosec B311 # synthetic data, no secret


def clamp(value: float, low: float, high: float) -> float:
    return max(low, min(high, value))
