"""The demo edition's frame: dates, judges, the interim table it must publish, the questionnaires and the wait scales."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta, timezone

from scoring import rules

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

# The award's limits (phone and chat 5 minutes, Messenger 30 minutes, e-mail 3 working days) and the bands that score
# the waiting question inside them: the demo edition's waiting-time rules. A wait drawn on the scale above is fitted
# inside its limit band for band (contacts.fit_wait), so that it keeps its points and every number stays the same.
# An e-mail is fitted within 72 hours: inside 3 working days whatever the day it was sent.
WAIT_LIMITS: dict[str, int] = {"phone": 5 * 60, "email": 72 * 3600, "chat": 5 * 60, "messenger": 30 * 60}
EMAIL_WORKING_DAYS = 3
WAIT_BANDS: dict[str, tuple[tuple[int, int], ...]] = {
    "phone": ((30, 5), (60, 4), (120, 3), (240, 2), (270, 1)),
    "email": ((3600, 8), (7200, 7), (4 * 3600, 6), (8 * 3600, 5), (24 * 3600, 4), (48 * 3600, 2), (60 * 3600, 1)),
    "chat": ((20, 5), (45, 4), (90, 3), (180, 2), (240, 1)),
    "messenger": ((120, 6), (300, 5), (900, 4), (1200, 3), (1500, 2), (1650, 1)),
}
