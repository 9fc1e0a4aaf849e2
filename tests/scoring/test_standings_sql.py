"""The set-based standings (scoring.standings) against the pure rules fed contact by contact from the raw answers.

Generated editions cover what a hand-made one misses: ties at every rank, channels offered without a contact,
contacts in a channel the participant does not offer, participants offering nothing, drafts and voided contacts,
unanswered contacts, N/A answers and every minimum. Run on SQLite here and on PostgreSQL in CI's second pass.
"""

from __future__ import annotations

import itertools
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from award.models import AwardClass, Edition, Participant, ParticipantChannel
from channels_app.models import Answer, Contact, ContactStatus, Question
from publications.inputs import reference_results
from publications.payload import canonical_json, final_payload, interim_payload
from scoring import rules
from scoring.models import ChannelStanding, OverallStanding
from scoring.selectors import edition_results
from scoring.services import edition_rescore
from scoring.standings import parallel_scan_possible

_years = itertools.count(3000)
MOMENT = datetime(2021, 3, 1, 12, tzinfo=UTC)

# A contact: channel, answered, handler (for the chatbot channels), status, voided, the points of its two questions
# (None is N/A; few values, so that scores and means tie often).
contact = st.tuples(
    st.sampled_from(["phone", "phone", "phone", "chat", "chat", "email", "messenger"]),  # most in two channels
    st.booleans(),
    st.sampled_from(["agent", "bot", "bot_to_agent"]),
    st.sampled_from([ContactStatus.SUBMITTED, ContactStatus.SUBMITTED, ContactStatus.SUBMITTED, ContactStatus.DRAFT]),
    st.sampled_from([False, False, False, True]),
    st.sampled_from([0, 2, 4]),
    st.sampled_from([None, 0, 1]),
)
participant = st.tuples(
    st.integers(min_value=0, max_value=2),  # class
    st.sampled_from([{"phone"}, {"phone", "chat"}, {"phone", "chat", "email", "messenger"}, {"chat"}, set()]),  # offered
    st.lists(contact, max_size=10),
)
edition_shape = st.tuples(st.integers(min_value=1, max_value=3), st.lists(participant, min_size=1, max_size=8))


def _build(minimum: int, participants: list[tuple[int, set[str], list[tuple[Any, ...]]]]) -> Edition:
    edition = Edition.objects.create(
        year=next(_years),
        name="Generated",
        starts_on=date(2021, 1, 1),
        ends_on=date(2021, 12, 31),
        min_contacts_per_channel=minimum,
    )
    classes = AwardClass.objects.bulk_create(AwardClass(edition=edition, name=f"Class {n}", slug=f"c{n}") for n in range(3))
    judge, _ = get_user_model().objects.get_or_create(username="generated-judge")
    questions = {
        channel: Question.objects.bulk_create(
            [
                Question(edition=edition, channel=channel, key="a", text="A?", area="A", max_points=4, position=0),
                Question(edition=edition, channel=channel, key="b", text="B?", area="B", max_points=1, position=1),
                Question(edition=edition, channel=channel, key="x", text="X?", area="X", max_points=3, counts=False, position=2),
            ]
        )
        for channel in rules.CHANNELS
    }
    answers = []
    for n, (class_index, channels, contacts) in enumerate(participants):
        entrant = Participant.objects.create(edition=edition, award_class=classes[class_index], name=f"Company {n}")
        ParticipantChannel.objects.bulk_create(ParticipantChannel(participant=entrant, channel=c) for c in sorted(channels))
        for m, (channel, answered, handler, status, voided, first, second) in enumerate(contacts):
            first_q, second_q, extra_q = questions[channel]
            values = [(first_q, first), (second_q, second), (extra_q, 2)] if answered else []
            score = rules.contact_score(
                answered=answered, answers=[rules.AnswerValue(p, q.max_points, q.counts) for q, p in values]
            )
            made = Contact.objects.create(
                edition=edition,
                ref=f"{n}-{m}",
                participant=entrant,
                channel=channel,
                judge=judge,
                happened_at=MOMENT + timedelta(minutes=m),
                answered=answered,
                handled_by=(handler if channel in rules.BOT_CHANNELS else "agent") if answered else "",
                status=status,
                voided=voided,
                void_reason="Generated." if voided else "",
                score=score,
            )
            answers += [Answer(contact=made, question=q, points=p, max_points=q.max_points) for q, p in values]
    Answer.objects.bulk_create(answers)
    return edition


@pytest.fixture(params=["one statement", pytest.param("tally apart", marks=pytest.mark.postgres)])
def tally_read(request: pytest.FixtureRequest, db: None) -> str:
    """Both ways PostgreSQL writes the standings (scoring.standings.standings_write): the tally inside the writing
    statement, or (where the contacts may be read in parallel) a SELECT of its own given back as arrays."""
    if connection.vendor != "postgresql":
        return str(request.param)  # SQLite has the one statement only
    with connection.cursor() as cursor:
        if request.param == "tally apart":
            cursor.execute("SET min_parallel_table_scan_size = 0")  # the test's transaction rolls it back
        assert parallel_scan_possible(cursor) == (request.param == "tally apart")  # the way named is the way taken
    return str(request.param)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(shape=edition_shape)
@example(shape=(1, [(0, {"phone"}, [])]))  # no contact at all: an empty tally (given back as empty arrays on PostgreSQL)
def test_standings_agree_with_the_rules_on_generated_editions(tally_read: str, shape: tuple[int, list[Any]]) -> None:
    edition = _build(*shape)
    edition_rescore(edition_id=edition.pk, force=True)
    stored, reference = edition_results(edition=edition), reference_results(edition=edition)
    assert stored == reference
    for build in (interim_payload, final_payload):
        assert canonical_json(build(stored, published_at=MOMENT)) == canonical_json(build(reference, published_at=MOMENT))
    # One channel standing per offered channel and one overall standing per participant, whatever the contacts.
    offered = ParticipantChannel.objects.filter(participant__edition=edition).count()
    assert ChannelStanding.objects.filter(edition=edition).count() == offered
    assert OverallStanding.objects.filter(edition=edition).count() == len(shape[1])


def test_ties_share_a_rank_and_the_next_rank_skips(db: None) -> None:
    """scoring.md §4: 1, 2, 2, 4 in a channel, in the classes and overall, by the exact 4-decimal means."""
    phone = ("phone", True, "agent", ContactStatus.SUBMITTED, False)
    # Scores: 100, 50, 50, 0 (first question 4/4, 2/4, 2/4, 0/4; the second N/A).
    shape = [(0, {"phone"}, [(*phone, points, None)]) for points in (4, 2, 2, 0)]
    edition = _build(1, shape)
    edition_rescore(edition_id=edition.pk, force=True)
    ranks = dict(
        ChannelStanding.objects.filter(edition=edition).values_list("participant__name", "rank").order_by("participant__name")
    )
    assert ranks == {"Company 0": 1, "Company 1": 2, "Company 2": 2, "Company 3": 4}
    overall = OverallStanding.objects.filter(edition=edition).order_by("participant__name")
    assert [(o.class_rank, o.edition_rank, o.overall) for o in overall] == [
        (1, 1, rules.from_units(1_000_000)),
        (2, 2, rules.from_units(500_000)),
        (2, 2, rules.from_units(500_000)),
        (4, 4, rules.from_units(0)),
    ]
