"""Questionnaires: questions created, changed and removed; a change of what a question is worth rescores its contacts."""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal
from typing import Any

from django.contrib.auth.models import User
from django.db import transaction
from django.utils.translation import gettext as _

from audit.models import Action, Source
from audit.services import changes_between, history_record, history_record_many
from award.models import Edition
from award.services import edition_changes_batched, edition_data_changed
from channels_app.models import Answer, Contact, ContactStatus, Question
from channels_app.rules import question_errors
from channels_app.services import ContactInvalid
from scoring import rules


def question_upsert(
    *,
    edition: Edition,
    channel: str,
    key: str,
    text: str,
    area: str,
    max_points: int,
    counts: bool,
    position: int,
    user: User | None = None,
    source: Source,
) -> tuple[Question, str]:
    """Create or update one question; a new maximum or `counts` rescores the contacts it touches."""
    errors = question_errors(key=key, text=text, area=area, max_points=max_points)
    if errors:
        raise ContactInvalid(errors)
    values = {"text": text, "area": area, "max_points": max_points, "counts": counts, "position": position}
    with transaction.atomic():
        question = Question.objects.select_for_update().filter(edition=edition, channel=channel, key=key).first()
        if question is None:
            question = Question.objects.create(edition=edition, channel=channel, key=key, **values)
            history_record(subject=question, action=Action.CREATE, changes=changes_between({}, values), user=user, source=source)
            return question, "created"
        changes = changes_between({name: getattr(question, name) for name in values}, values)
        if not changes:
            return question, "unchanged"
        if "max_points" in changes:
            too_high = question.answers.filter(points__gt=max_points).count()
            if too_high:
                raise ContactInvalid(
                    {"max_points": [_("%(n)s answers give more than %(max)s points") % {"n": too_high, "max": max_points}]}
                )
        for name, value in values.items():
            setattr(question, name, value)
        question.save()
        if "max_points" in changes:
            question.answers.update(max_points=max_points)
        history_record(subject=question, action=Action.UPDATE, changes=changes, user=user, source=source)
        if {"max_points", "counts"} & set(changes):
            with edition_changes_batched():
                contact_scores_refresh(edition=edition, channel=channel, user=user, source=source)
                if question.answers.exists():
                    # Every participant's points on it move (scoring.points), whether or not a contact's score does.
                    edition_data_changed(edition_id=edition.pk)
        return question, "updated"


def contact_scores_refresh(*, edition: Edition, channel: str, user: User | None = None, source: Source) -> int:
    """Recompute the stored score of each answered contact of the channel from its answers, after a question's change.

    The score is scoring.md §1's, from rules.contact_score as when the contact was
    saved; each changed score is kept in its contact's history. Refuses
    (ContactInvalid) when a submitted contact would be left with no counted
    question answered; a half-filled draft then scores 0 (it counts nowhere).
    Returns how many scores changed.
    """
    questions = {question.pk: question for question in Question.objects.filter(edition=edition, channel=channel)}
    answers: dict[int, list[rules.AnswerValue]] = defaultdict(list)
    rows = Answer.objects.filter(contact__edition=edition, contact__channel=channel, contact__answered=True)
    for contact_id, question_id, points in rows.values_list("contact_id", "question_id", "points").iterator(chunk_size=5000):
        question = questions[question_id]
        answers[contact_id].append(rules.AnswerValue(points, question.max_points, question.counts))
    changed: list[tuple[Contact, Decimal]] = []
    stranded: list[str] = []
    contacts = Contact.objects.filter(edition=edition, channel=channel, answered=True)
    for contact in contacts.only("id", "ref", "score", "status", "voided").order_by("ref"):
        try:
            score = rules.contact_score(answered=True, answers=answers[contact.pk])
        except rules.NoCountedAnswer:
            if contact.status != ContactStatus.DRAFT:
                stranded.append(contact.ref)
                continue
            score = rules.from_units(0)
        if score != contact.score:
            changed.append((contact, score))
    if stranded:
        raise ContactInvalid(
            {"counts": [_("contacts %(refs)s would have no counted question answered") % {"refs": ", ".join(stranded[:10])}]}
        )
    history_record_many(
        changed=((contact, {"score": [str(contact.score), str(score)]}) for contact, score in changed),
        action=Action.UPDATE,
        user=user,
        source=source,
    )
    for contact, score in changed:
        contact.score = score
    Contact.objects.bulk_update([contact for contact, _score in changed], ["score"], batch_size=1000)
    if any(contact.counted for contact, _score in changed):
        edition_data_changed(edition_id=edition.pk)
    return len(changed)


def question_remove(*, question: Question, user: User | None = None, source: Source) -> None:
    """Take a question out of its questionnaire; one that has answers stays (they are evidence)."""
    if question.answers.exists():
        raise ContactInvalid({"key": [_("%(key)s has answers and cannot be removed") % {"key": question.key}]})
    with transaction.atomic():
        history_record(subject=question, action=Action.DELETE, user=user, source=source)
        question.delete()


class _DryRun(Exception):
    pass


def question_check(*, question: Question, **values: Any) -> dict[str, list[str]]:
    """What question_upsert would refuse for these values, found by running it and rolling back."""
    try:
        with transaction.atomic():
            question_upsert(edition=question.edition, channel=question.channel, key=question.key, source=Source.ADMIN, **values)
            raise _DryRun
    except _DryRun:
        return {}
    except ContactInvalid as invalid:
        return invalid.errors
