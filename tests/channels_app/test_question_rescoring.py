"""A question's new worth rescores its contacts with the one contact-score rule (scoring.rules.contact_score), with history."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import User

from audit.models import ChangeRecord, Source
from award.models import Edition
from channels_app.models import Answer, Contact, Question
from channels_app.questionnaire import question_upsert
from publications.inputs import reference_results
from publications.payload import canonical_json, final_payload
from scoring import rules
from scoring.selectors import edition_results


def expected_score(contact: Contact) -> str:
    answers = [
        rules.AnswerValue(a.points, a.question.max_points, a.question.counts)
        for a in Answer.objects.filter(contact=contact).select_related("question")
    ]
    return str(rules.contact_score(answered=contact.answered, answers=answers))


def test_a_new_maximum_rescores_each_contact_by_the_rule_and_keeps_it_in_its_history(
    mini: Edition, organiser: User, django_capture_on_commit_callbacks: Any
) -> None:
    question = Question.objects.get(edition=mini, channel="phone", key="solution")
    before = {c.ref: str(c.score) for c in Contact.objects.filter(edition=mini, channel="phone")}
    version = mini.data_version
    last = ChangeRecord.objects.order_by("pk").last()
    assert last is not None

    with django_capture_on_commit_callbacks(execute=True):
        question_upsert(
            edition=mini,
            channel="phone",
            key="solution",
            text=question.text,
            area=question.area,
            max_points=20,
            counts=True,
            position=question.position,
            user=organiser,
            source=Source.ADMIN,
        )

    phone = list(Contact.objects.filter(edition=mini, channel="phone").order_by("ref"))
    after = {c.ref: str(c.score) for c in phone}
    assert after == {c.ref: expected_score(c) for c in phone}
    assert (before["P001"], after["P001"]) == ("80.0000", "53.3333")  # the worked example's A: 16 of 20, then of 30 points
    changed = {ref for ref in after if after[ref] != before[ref]}
    records = ChangeRecord.objects.filter(pk__gt=last.pk, content_type__model="contact").order_by("object_id")
    assert {(r.object_repr, tuple(r.changes["score"]), r.user, r.source) for r in records} == {
        (ref, (before[ref], after[ref]), organiser, "admin") for ref in changed
    }
    assert Edition.objects.get(pk=mini.pk).data_version > version
    # The database path (stored scores, GROUP BY) and the reference path (raw answers) still agree.
    moment = mini.created_at
    assert canonical_json(final_payload(edition_results(edition=mini), published_at=moment)) == canonical_json(
        final_payload(reference_results(edition=mini), published_at=moment)
    )
