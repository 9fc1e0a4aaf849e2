"""A name or a question holds no control character (a line break, a tab, NUL, ...): refused alike by the services, the
admin and the import (award.rules, channels_app.rules), with a reason that names the character."""

from __future__ import annotations

from typing import Any

import pytest

from audit.models import ChangeRecord, Source
from award.models import AwardClass, Edition, Participant
from award.rules import name_errors
from award.services import Invalid, class_check, participant_check
from channels_app.models import Contact, Question
from channels_app.questionnaire import question_upsert
from channels_app.rules import question_errors
from channels_app.services import ContactInvalid
from tests.admin_forms import add_url, assert_error_next_to, participant_data, phone_form
from tests.conftest import ClientAs
from tests.factories import EditionFactory

NO_CONTROL = "must not contain control characters such as a line break or a tab"


@pytest.mark.parametrize(
    ("name", "found"),
    [
        ("Line1\nLine2 AS", "a line break"),
        ("Line1\r\nLine2 AS", "a line break"),
        ("Fjord\tAS", "a tab"),
        ("Fjord\x00AS", "a NUL character"),
        ("Fjord\x1b[31mAS", "U+001B"),
        ("Fjord\x85AS", "U+0085"),  # a C1 control: Unicode's next line
    ],
)
def test_a_name_with_a_control_character_is_refused_naming_it(name: str, found: str) -> None:
    assert name_errors(name) == [f"{NO_CONTROL} (found {found})"]


def test_names_people_write_are_not_control_characters() -> None:
    assert name_errors("Fjord Forsikring, avd. Øst") == []
    assert name_errors("Ålesund & Co. — «Kundeservice» 😊") == []


def test_a_question_with_a_control_character_is_refused_in_each_field() -> None:
    assert question_errors(key="wa\nit", text="How long\tdid you wait?", area="Answer\x00time", max_points=5) == {
        "key": [f"{NO_CONTROL} (found a line break)"],
        "text": [f"{NO_CONTROL} (found a tab)"],
        "area": [f"{NO_CONTROL} (found a NUL character)"],
    }


def test_the_services_refuse_a_class_or_participant_name_with_a_line_break(db: None) -> None:
    edition = EditionFactory.create(year=2031)
    bank = AwardClass.objects.create(edition=edition, name="Bank")
    reason = f"{NO_CONTROL} (found a line break)"

    with pytest.raises(Invalid) as raised:
        class_check(edition=edition, name="Bank\nInsurance")
    assert raised.value.errors == {"name": [reason]}
    with pytest.raises(Invalid) as raised:
        participant_check(edition=edition, name="Line1\nLine2 AS", award_class=bank, channels=["phone"])
    assert raised.value.errors == {"name": [reason]}


def test_the_questionnaire_service_refuses_a_question_text_with_a_nul(db: None) -> None:
    edition = EditionFactory.create(year=2031)

    with pytest.raises(ContactInvalid) as raised:
        question_upsert(
            edition=edition,
            channel="phone",
            key="wait",
            text="How long\x00did you wait?",
            area="Waiting",
            max_points=5,
            counts=True,
            position=0,
            source=Source.COMMAND,
        )

    assert raised.value.errors == {"text": [f"{NO_CONTROL} (found a NUL character)"]}
    assert Question.objects.filter(edition=edition).count() == 0


def test_the_admin_refuses_a_participant_name_with_a_tab_next_to_the_field(
    mini: Edition, organiser: Any, client_as: ClientAs
) -> None:
    records, participants = ChangeRecord.objects.count(), Participant.objects.count()

    response = client_as("organiser").post("/admin/award/participant/add/", participant_data(mini, name="Kraft\tlag"))

    assert_error_next_to(response, "name", f"{NO_CONTROL} (found a tab)")
    assert (ChangeRecord.objects.count(), Participant.objects.count()) == (records, participants)


def test_the_admin_contact_form_refuses_a_nul_in_the_comment(judge1: Any, mini: Edition, client_as: ClientAs) -> None:
    """Django's own check of a form's text (ProhibitNullCharactersValidator) refuses it; a CSV file with one is refused whole."""
    before = (Contact.objects.count(), ChangeRecord.objects.count())

    response = client_as("judge1").post(add_url(mini), phone_form(mini, comment="Knew the answer\x00at once"))

    assert response.status_code == 200
    assert response.context["adminform"].form.errors["comment"] == ["Null characters are not allowed."]
    assert (Contact.objects.count(), ChangeRecord.objects.count()) == before
