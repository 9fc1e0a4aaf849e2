"""The organisers' API, the field work: questionnaires through channels_app.questionnaire, the judges' conflicts of
interest, the contact plan made as `manage.py plan` makes it and read by cursor, and the lists' query counts."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import User
from django.utils import timezone

from audit.models import ChangeRecord
from award.models import Edition, Participant
from channels_app.models import JudgeConflict, PlannedContact, Question
from tests.api.organisers import API, client_of, last_record, page, records_since
from tests.factories import AwardClassFactory, ParticipantFactory, QuestionFactory

pytestmark = pytest.mark.django_db

# Questions -------------------------------------------------------------------------------------


def test_questions_are_added_changed_and_removed_through_the_questionnaire(mini: Edition, organiser: User) -> None:
    client = client_of(organiser)
    since = last_record()
    new = {"channel": "messenger", "key": "tone", "text": "Was the tone friendly?", "area": "The agent", "max_points": 3}

    added = client.post(f"{API}/editions/2021/questions/", new, format="json")

    tone = Question.objects.get(edition=mini, channel="messenger", key="tone")
    body = {"id": tone.pk, "edition": 2021, **new, "counts": True, "position": 0}
    assert (added.status_code, added.json(), added["Location"]) == (201, body, f"http://testserver{API}/questions/{tone.pk}/")
    changed = client.patch(f"{API}/questions/{tone.pk}/", {"max_points": 5, "key": "renamed", "channel": "chat"}, format="json")
    assert (changed.status_code, changed.json()) == (200, body | {"max_points": 5})  # never its channel or key
    assert client.delete(f"{API}/questions/{tone.pk}/").status_code == 204
    assert records_since(since) == [
        (
            "question",
            "messenger.tone",
            "create",
            {
                "text": [None, "Was the tone friendly?"],
                "area": [None, "The agent"],
                "max_points": [None, 3],
                "counts": [None, True],
                "position": [None, 0],
            },
            "api",
            "organiser",
        ),
        ("question", "messenger.tone", "update", {"max_points": [3, 5]}, "api", "organiser"),
        ("question", "messenger.tone", "delete", {}, "api", "organiser"),
    ]


def test_a_new_maximum_rescores_the_contacts_that_answered_the_question(mini: Edition, organiser: User) -> None:
    greeting = Question.objects.get(edition=mini, channel="phone", key="greeting")
    version = mini.data_version

    response = client_of(organiser).patch(f"{API}/questions/{greeting.pk}/", {"max_points": 10}, format="json")

    assert response.status_code == 200
    p001 = ChangeRecord.objects.filter(content_type__model="contact", object_repr="P001").latest("pk")
    assert (p001.changes, p001.source) == ({"score": ["80.0000", "64.0000"]}, "api")
    assert Edition.objects.get(pk=mini.pk).data_version == version + 1


@pytest.mark.parametrize(
    ("given", "errors"),
    [
        ({"key": "greeting"}, {"key": ["2021 already has a question greeting for Phone"]}),
        ({"max_points": 0, "text": ""}, {"max_points": ["must be between 1 and 1000"], "text": ["required"]}),
        ({"key": "a b"}, {"key": ["'a b' must be letters, digits, - or _"]}),
        (
            {"channel": "fax", "position": 40000},
            {
                "channel": ['"fax" is not a valid choice.'],
                "position": ["Ensure this value is less than or equal to 32767."],
            },
        ),
    ],
)
def test_a_question_rule_broken_is_a_400_naming_the_field(
    mini: Edition, organiser: User, given: dict[str, Any], errors: dict[str, list[str]]
) -> None:
    data = {"channel": "phone", "key": "tone", "text": "Friendly?", "area": "The agent", "max_points": 3} | given
    before = (ChangeRecord.objects.count(), Question.objects.count())
    response = client_of(organiser).post(f"{API}/editions/2021/questions/", data, format="json")
    assert (response.status_code, response.json()) == (400, errors)
    assert (ChangeRecord.objects.count(), Question.objects.count()) == before


def test_an_answered_question_stays_and_a_maximum_below_its_points_is_refused(mini: Edition, organiser: User) -> None:
    client = client_of(organiser)
    solution = Question.objects.get(edition=mini, channel="phone", key="solution")

    lower = client.patch(f"{API}/questions/{solution.pk}/", {"max_points": 5}, format="json")
    removed = client.delete(f"{API}/questions/{solution.pk}/")

    assert (lower.status_code, lower.json()) == (400, {"max_points": ["13 answers give more than 5 points"]})
    assert (removed.status_code, removed.json()) == (400, {"non_field_errors": ["solution has answers and cannot be removed"]})


def test_questions_are_listed_by_channel_and_a_channel_that_is_none_is_a_400(mini: Edition, organiser: User) -> None:
    client = client_of(organiser)
    email = client.get(f"{API}/editions/2021/questions/?channel=email")
    wait, solution = Question.objects.filter(edition=mini, channel="email").order_by("position")
    assert email.json() == page(
        [
            {
                "id": wait.pk,
                "edition": 2021,
                "channel": "email",
                "key": "wait",
                "text": "How fast was the reply?",
                "area": "Answer and waiting time",
                "max_points": 5,
                "counts": True,
                "position": 0,
            },
            {
                "id": solution.pk,
                "edition": 2021,
                "channel": "email",
                "key": "solution",
                "text": "Did the reply solve the case?",
                "area": "Solution",
                "max_points": 10,
                "counts": True,
                "position": 1,
            },
        ]
    )
    assert client.get(f"{API}/editions/2021/questions/").json()["count"] == 9
    fax = client.get(f"{API}/editions/2021/questions/?channel=fax")
    assert (fax.status_code, fax.json()) == (400, {"channel": ["must be one of phone, email, chat, messenger"]})


# Conflicts of interest -------------------------------------------------------------------------


def test_a_conflict_is_declared_once_listed_and_withdrawn(mini: Edition, organiser: User, judge1: User, judge2: User) -> None:
    client = client_of(organiser)
    sognenett = Participant.objects.get(edition=mini, name="Sognenett")
    since = last_record()

    declared = client.post(
        f"{API}/editions/2021/conflicts/", {"judge": "judge1", "participant": sognenett.pk, "reason": "My sister"}, format="json"
    )
    again = client.post(
        f"{API}/editions/2021/conflicts/", {"judge": "judge1", "participant": sognenett.pk, "reason": "Other"}, format="json"
    )

    conflict = JudgeConflict.objects.get()
    body = {
        "id": conflict.pk,
        "judge": "judge1",
        "participant": sognenett.pk,
        "participant_name": "Sognenett",
        "reason": "My sister",
        "declared_at": timezone.localtime(conflict.declared_at).isoformat(),
        "counted_contacts": 4,  # P001, P003, P005 and E001 were judge1's before: each to review
    }
    assert (declared.status_code, declared.json()) == (201, body)
    assert declared["Location"] == f"http://testserver{API}/conflicts/{conflict.pk}/"
    assert (again.status_code, again.json()) == (200, body)  # declared once, as it was
    assert client.get(f"{API}/editions/2021/conflicts/").json() == page([body])
    assert client.get(f"{API}/conflicts/{conflict.pk}/").json() == body
    assert client.delete(f"{API}/conflicts/{conflict.pk}/").status_code == 204
    assert not JudgeConflict.objects.exists()
    assert records_since(since) == [
        (
            "judgeconflict",
            "judge1 ≠ Sognenett",
            "create",
            {"judge": [None, "judge1"], "participant": [None, "Sognenett"], "reason": [None, "My sister"]},
            "api",
            "organiser",
        ),
        ("judgeconflict", "judge1 ≠ Sognenett", "delete", {}, "api", "organiser"),
    ]


def test_a_conflict_names_a_judge_and_a_participant_of_the_edition(mini: Edition, organiser: User, judge1: User) -> None:
    client = client_of(organiser)
    elsewhere = ParticipantFactory.create(name="Elsewhere")

    cases = [
        ({"judge": "organiser", "participant": elsewhere.pk}, {"judge": ["Object with username=organiser does not exist."]}),
        ({"judge": "judge1", "participant": elsewhere.pk}, {"participant": ["Elsewhere is not a participant of 2021"]}),
        ({"judge": "judge1"}, {"participant": ["This field is required."]}),
    ]
    for data, errors in cases:
        response = client.post(f"{API}/editions/2021/conflicts/", data, format="json")
        assert (response.status_code, response.json()) == (400, errors)
    assert not JudgeConflict.objects.exists()


# The plan --------------------------------------------------------------------------------------


def test_the_plan_is_made_as_the_command_makes_it_and_read_by_cursor(
    mini: Edition, organiser: User, judge1: User, judge2: User
) -> None:
    client = client_of(organiser)
    since = last_record()

    made = client.post(f"{API}/editions/2021/plan/")

    # Who takes what depends on the moments, spread by each participant's id: the judge-less entries are counted.
    unassigned = PlannedContact.objects.filter(edition=mini, judge__isnull=True, contact__isnull=True).count()
    assert (made.status_code, made.json()) == (
        200,
        {"planned": 125, "done": 34, "created": 128, "removed": 0, "moved": 0, "unassigned": unassigned, "second_tries": 3},
    )
    assert PlannedContact.objects.filter(edition=mini).count() == 128  # 5 x 25 first tries and 3 second tries
    assert records_since(since) == []  # the plan keeps no history (plan_edition, as `manage.py plan` makes it)
    again = client.post(f"{API}/editions/2021/plan/", {}, format="json")
    assert again.json() == {
        "planned": 125,
        "done": 34,
        "created": 0,
        "removed": 0,
        "moved": 0,
        "unassigned": unassigned,
        "second_tries": 0,
    }

    entries = list(PlannedContact.objects.filter(edition=mini).select_related("participant", "judge").order_by("pk"))
    first = client.get(f"{API}/editions/2021/plan/?page_size=50")
    body = first.json()
    assert body["previous"] is None and body["next"].startswith(f"http://testserver{API}/editions/2021/plan/?cursor=")
    entry = entries[0]
    assert body["results"][0] == {
        "id": entry.pk,
        "participant": entry.participant_id,
        "participant_name": entry.participant.name,
        "channel": entry.channel,
        "judge": entry.judge.username if entry.judge else None,
        "planned_at": timezone.localtime(entry.planned_at).isoformat(),
        "attempt": entry.attempt,
        "contact": entry.contact_id,
        "done": entry.contact_id is not None,
    }
    seen = [row["id"] for row in body["results"]]
    while body["next"]:
        body = client.get(body["next"]).json()
        seen += [row["id"] for row in body["results"]]
    assert seen == [entry.pk for entry in entries] and len(seen) == 128

    judge1_phone = client.get(f"{API}/editions/2021/plan/?judge=judge1&channel=phone&page_size=500").json()["results"]
    assert [row["id"] for row in judge1_phone] == [e.pk for e in entries if e.judge == judge1 and e.channel == "phone"]
    assert client.get(f"{API}/editions/2021/plan/?channel=post").json() == {
        "channel": ["must be one of phone, email, chat, messenger"]
    }
    assert client.post(f"{API}/editions/2021/plan/", {}, format="multipart").status_code == 415


# Query counts ------------------------------------------------------------------------------------


def grow(edition: Edition, n: int) -> None:
    """n more participants in a class of their own, each with a question and a conflict of interest of a judge."""
    extra = AwardClassFactory.create(edition=edition, name="Extra")
    judge = User.objects.get(username="judge1")
    for i in range(n):
        participant = ParticipantFactory.create(edition=edition, award_class=extra, name=f"Extra {i}", channels=["phone", "chat"])
        JudgeConflict.objects.create(judge=judge, participant=participant)
        QuestionFactory.create(edition=edition, channel="messenger", key=f"extra{i}")
        AwardClassFactory.create(edition=edition, name=f"Extra class {i}")
        Edition.objects.create(year=1950 + i, name=f"Old {i}", starts_on=f"{1950 + i}-01-10", ends_on=f"{1950 + i}-04-10")


LISTS = {
    "/editions/": 5,
    "/editions/2021/classes/": 6,
    "/editions/2021/participants/": 7,
    "/editions/2021/questions/": 6,
    "/editions/2021/conflicts/": 6,
    "/editions/2021/plan/": 5,
}


def test_the_lists_ask_the_database_as_often_whatever_their_size(
    mini: Edition, organiser: User, judge1: User, judge2: User, django_assert_num_queries: Any
) -> None:
    client = client_of(organiser)
    client.post(f"{API}/editions/2021/plan/")
    JudgeConflict.objects.create(judge=judge2, participant=Participant.objects.get(edition=mini, name="Sixt"))
    sizes = []
    for extra in (0, 12):
        if extra:
            grow(mini, extra)
            client.post(f"{API}/editions/2021/plan/")
        for path, queries in LISTS.items():
            with django_assert_num_queries(queries):
                response = client.get(f"{API}{path}")
            assert response.status_code == 200, path
        sizes.append([len(client.get(f"{API}{path}").json()["results"]) for path in LISTS])
    assert sizes == [[1, 3, 5, 9, 1, 100], [13, 16, 17, 21, 13, 100]]
