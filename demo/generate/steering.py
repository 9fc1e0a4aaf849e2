"""Steering the drawn contacts onto their targets, then the finishing touches (comments, references)."""

from __future__ import annotations

import math
import random
from collections.abc import Sequence
from decimal import Decimal

from demo.generate.companies import REF_PREFIX, SETTLE_TOLERANCE, GenerationError, clamp, rng_for
from demo.generate.contacts import Contact, Plan, channel_total
from demo.generate.edition import CHANNELS, EXPECTED_INTERIM, QUESTIONNAIRES, RECOMMEND, WAIT_SCALES
from scoring import rules

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
