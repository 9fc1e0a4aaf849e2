"""The limits of an edition, a name and a question are written once: the admin's services and the bundle import refuse the
same values with the same reasons."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

import pytest
from django.contrib.auth.models import User

from audit.models import Source
from award.models import AwardClass, Edition
from award.services import Invalid, class_check, edition_check, participant_check
from channels_app.bundle.format import BundleError, Problem
from channels_app.bundle.parse import parse_edition, parse_participants
from channels_app.models import Question
from channels_app.questionnaire import question_upsert
from channels_app.services import ContactInvalid
from tests.conftest import ClientAs
from tests.factories import EditionFactory

EDITION = {
    "year": 2031,
    "name": "Award 2031",
    "starts_on": "2031-01-15",
    "ends_on": "2031-04-12",
    "classes": ["Bank"],
    "questions": {"phone": [{"key": "wait", "text": "Wait?", "area": "Waiting", "max_points": 5}]},
}


def bundle_problems(**changes: Any) -> list[Problem]:
    with pytest.raises(BundleError) as raised:
        parse_edition(json.dumps(EDITION | changes).encode())
    return raised.value.all()


def service_errors(**changes: Any) -> dict[str, list[str]]:
    values: dict[str, Any] = {"year": 2031, "name": "Award 2031", "starts_on": date(2031, 1, 15), "ends_on": date(2031, 4, 12)}
    values |= {"min_contacts_per_channel": 3} | changes
    with pytest.raises(Invalid) as raised:
        edition_check(**values)
    return raised.value.errors


@pytest.mark.parametrize(
    ("field", "value", "reason"),
    [
        ("year", 1899, "must be between 1900 and 9999"),
        ("year", 10000, "must be between 1900 and 9999"),
        ("name", "x" * 201, "at most 200 characters"),
        ("min_contacts_per_channel", 0, "must be between 1 and 1000"),
        ("min_contacts_per_channel", 1001, "must be between 1 and 1000"),
    ],
)
def test_an_edition_is_refused_alike_by_the_admin_and_the_import(field: str, value: Any, reason: str) -> None:
    assert service_errors(**{field: value}) == {field: [reason]}
    assert bundle_problems(**{field: value}) == [Problem(None, field, reason)]


def test_dates_in_the_wrong_order_are_refused_alike() -> None:
    reason = "must not be before the start (2031-01-15)"
    assert service_errors(ends_on=date(2031, 1, 1)) == {"ends_on": [reason]}
    assert bundle_problems(ends_on="2031-01-01") == [Problem(None, "ends_on", reason)]


def test_a_class_name_is_refused_alike(db: None) -> None:
    edition = EditionFactory.create(year=2031)
    with pytest.raises(Invalid) as raised:
        class_check(edition=edition, name="x" * 201)
    assert raised.value.errors == {"name": ["at most 200 characters"]}
    assert bundle_problems(classes=["x" * 201]) == [Problem(None, "classes[0]", "at most 200 characters")]


def test_a_participant_name_is_refused_alike(db: None) -> None:
    edition = EditionFactory.create(year=2031)
    bank = AwardClass.objects.create(edition=edition, name="Bank")
    with pytest.raises(Invalid) as raised:
        participant_check(edition=edition, name="x" * 201, award_class=bank, channels=["phone"])
    assert raised.value.errors == {"name": ["at most 200 characters"]}
    csv = ("name,class,channels\n" + "x" * 201 + ",Bank,phone\n").encode()
    rows, problems = parse_participants(csv, classes=["Bank"], questionnaire_channels={"phone"})
    assert (rows, problems) == ([], [Problem(2, "name", "at most 200 characters")])


@pytest.mark.parametrize("max_points", [0, 1001, 40_000])
def test_a_question_worth_too_much_or_nothing_is_refused_by_the_import_the_service_and_the_admin(
    db: None, organiser: User, max_points: int, client_as: ClientAs
) -> None:
    reason = "must be between 1 and 1000"
    questions = {"phone": [{"key": "wait", "text": "Wait?", "area": "Waiting", "max_points": max_points}]}
    assert bundle_problems(questions=questions) == [Problem(None, "questions.phone[0].max_points", reason)]

    edition = EditionFactory.create(year=2031)
    with pytest.raises(ContactInvalid) as raised:
        question_upsert(
            edition=edition,
            channel="phone",
            key="wait",
            text="Wait?",
            area="Waiting",
            max_points=max_points,
            counts=True,
            position=0,
            source=Source.COMMAND,
        )
    assert raised.value.errors == {"max_points": [reason]}

    client = client_as("organiser")
    form = {
        "edition": edition.pk,
        "channel": "phone",
        "key": "wait",
        "text": "Wait?",
        "area": "Waiting",
        "max_points": max_points,
        "counts": "on",
        "position": 0,
    }
    response = client.post("/admin/channels_app/question/add/", form)
    assert response.status_code == 200
    assert response.context["adminform"].form.errors == {"max_points": [reason]}
    assert not Question.objects.exists()
    assert Edition.objects.get(pk=edition.pk).data_version == 0


@pytest.mark.parametrize(("starts_on", "ends_on"), [(date(2021, 1, 15), date.max), (date.min, date(2021, 4, 12))])
def test_an_editions_dates_may_reach_the_calendars_ends_without_a_crash(mini: Edition, starts_on: date, ends_on: date) -> None:
    from audit.models import Source
    from award.services import edition_upsert

    edition, changed = edition_upsert(
        year=2021, name=mini.name, starts_on=starts_on, ends_on=ends_on, min_contacts_per_channel=3, source=Source.COMMAND
    )

    assert changed and (edition.starts_on, edition.ends_on) == (starts_on, ends_on)  # every counted contact stays inside
