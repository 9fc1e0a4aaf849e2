"""A questionnaire change that would leave a contact without a score is refused."""

from __future__ import annotations

from audit.models import Source
from channels_app.models import Contact
from channels_app.questionnaire import question_upsert
from channels_app.services import ContactInvalid
from tests.conftest import record
from tests.factories import ParticipantFactory, QuestionFactory, UserFactory


def test_turning_off_the_last_counted_question_is_refused(db: None) -> None:
    participant = ParticipantFactory.create(channels=["phone"])
    edition = participant.edition
    QuestionFactory.create(edition=edition, key="solution", max_points=10)
    record(
        edition,
        participant=participant,
        channel="phone",
        judge=UserFactory.create(username="j"),
        answers={"solution": 7},
        ref="X1",
    )
    try:
        question_upsert(
            edition=edition,
            channel="phone",
            key="solution",
            text="?",
            area="Solution",
            max_points=10,
            counts=False,
            position=0,
            source=Source.COMMAND,
        )
    except ContactInvalid as invalid:
        assert "X1" in invalid.errors["counts"][0]
    else:
        raise AssertionError("turning off the only counted question must be refused")
    assert str(Contact.objects.get(ref="X1").score) == "70.0000"
