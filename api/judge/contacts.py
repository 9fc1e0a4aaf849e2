"""What a judge's request makes of a contact: the ContactInput that contact_record checks (a PATCH merged into the stored
contact as the site's form fills itself from it), and the service's errors under the names the request used.

The rules themselves are contact_clean's (channels_app.services): here is only the mapping, so that a contact the site's
form refuses is refused by the API with the same messages.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Iterable
from typing import Any

from django.contrib.auth.models import User
from django.db.models import Prefetch, QuerySet
from django.utils.translation import gettext as _
from rest_framework import exceptions, status

from api.errors import field_errors
from audit.models import Source
from award.models import Edition
from channels_app.models import Answer, Contact, ContactStatus, HandledBy, Question, WaitRule
from channels_app.services import (
    ContactInput,
    ContactInvalid,
    closed_message,
    contact_record,
    contacts_locked_for,
    voided_message,
)
from scoring.rules import BOT_CHANNELS


class Refused(exceptions.APIException):
    """409: the request is well formed, but the contact can no longer be changed (the edition closed, or it is voided)."""

    status_code = status.HTTP_409_CONFLICT
    default_code = "conflict"


def with_answers(contacts: QuerySet[Contact]) -> QuerySet[Contact]:
    """Contacts with what the API shows of them, in a fixed number of queries however many there are."""
    answers = Answer.objects.select_related("question").only("contact_id", "points", "question__key")
    return contacts.select_related("edition", "participant").prefetch_related(Prefetch("answers", queryset=answers))


def question_keys(edition_ids: Iterable[int]) -> dict[tuple[int, str], list[str]]:
    """(edition id, channel) -> its question keys in questionnaire order, for the contacts of a page: one query."""
    keys: dict[tuple[int, str], list[str]] = defaultdict(list)
    rows = Question.objects.filter(edition_id__in=set(edition_ids)).order_by("position", "pk")
    for edition_id, channel, key in rows.values_list("edition_id", "channel", "key"):
        keys[edition_id, channel].append(key)
    return dict(keys)


def stored_answers(contact: Contact, keys: list[str]) -> dict[str, int | None]:
    """A stored contact's choices as the API writes them: points, None for N/A, and no key for a question not chosen yet.

    N/A is stored as no answer at all (contact_record keeps points only), so it is told from "not chosen" by
    `unchosen`, as the site's form does (channels_app.forms.choice_of). A contact nobody answered has no choices.
    """
    if not contact.answered:
        return {}
    points = {answer.question.key: answer.points for answer in contact.answers.all()}
    unchosen = set(contact.unchosen)
    return {key: points.get(key) for key in keys if key not in unchosen}


def wait_scored_key(rule: WaitRule | None, questions: list[Question]) -> str:
    """The key of the question the channel's wait scores by the bands (contact_clean's _wait_checked), else empty."""
    if rule is None or not rule.bands:
        return ""
    return rule.question_key if any(question.key == rule.question_key for question in questions) else ""


def check_open(*, contact: Contact, user: User) -> None:
    """A judge changes a contact only while its edition takes changes and it is not voided (as the site's page)."""
    if contacts_locked_for(edition=contact.edition, user=user):
        raise Refused(closed_message(contact.edition))
    if contact.voided:
        raise Refused(voided_message())


def check_year(values: dict[str, Any], edition: Edition, *, new: bool) -> None:
    """The optional `year` of a body must be the contact's edition: a new contact's is its participant's."""
    year = values.get("year")
    if year is None or year == edition.year:
        return
    if new:
        reason = _("%(name)s is a participant of %(edition)s, not %(year)s") % {
            "name": values["participant"].name,
            "edition": edition.year,
            "year": year,
        }
    else:
        reason = _("the contact belongs to %(edition)s, not %(year)s: its edition cannot change") % {
            "edition": edition.year,
            "year": year,
        }
    raise exceptions.ValidationError({"year": [reason]})


def contact_input(
    *,
    values: dict[str, Any],
    judge: User,
    contact: Contact | None,
    partial: bool,
    questionnaire: dict[str, list[Question]],
    wait_rules: dict[str, WaitRule],
) -> ContactInput:
    """The contact a request describes: the body whole (POST, PUT), or merged into the stored `contact` (PATCH).

    A PATCH keeps the stored wait, handler and answers only while the contact stays answered (nobody answered: there
    was none, as the site's form drops them), and never the wait-scored question's points, which the bands give
    again from the wait. Outside chat and Messenger an answered contact's handler is an agent (scoring.md), as on
    the form, which has no field for it there.
    """
    base = contact if partial else None

    def given(name: str, default: Any) -> Any:
        if name in values:
            return values[name]
        return getattr(base, name) if base is not None else default

    channel: str = given("channel", "")
    answered: bool = given("answered", False)
    kept = base if answered else None  # what stays of the stored contact's wait, handler and answers
    wait = values.get("wait_seconds", kept.wait_seconds if kept is not None else None)
    handled_by = values.get("handled_by", kept.handled_by if kept is not None else "")
    if answered and not handled_by and channel not in BOT_CHANNELS:
        handled_by = HandledBy.AGENT
    answers: dict[str, int | None] = {}
    if kept is not None and kept.channel == channel:
        questions = questionnaire.get(channel, [])
        answers = stored_answers(kept, [question.key for question in questions])
        answers.pop(wait_scored_key(wait_rules.get(channel), questions), None)
    answers |= values.get("answers", {})
    # A new contact is submitted unless it says otherwise; a stored one keeps its status (the site's form does both).
    status = values.get("status", contact.status if contact is not None else ContactStatus.SUBMITTED)
    return ContactInput(
        participant=given("participant", None),
        channel=channel,
        judge=judge,
        happened_at=given("happened_at", None),
        answered=answered,
        wait_seconds=wait,
        handled_by=handled_by,
        comment=given("comment", ""),
        answers=answers,
        status=status,
        voided=contact.voided if contact is not None else False,
        void_reason=contact.void_reason if contact is not None else "",
    )


def request_errors(errors: dict[str, list[str]], *, channel: str, sent: Collection[str], wait_key: str) -> dict[str, list[str]]:
    """contact_clean's errors under the request's names: `judge` (a conflict of interest) is the participant's,
    `<channel>.<key>` is answers.<key>. The wait-scored question's "choose the points" is left out when the wait says
    it is missing (the form says it once, on the wait, too)."""
    errors = dict(errors)
    prefix = f"{channel}."
    if wait_key and wait_key not in sent and "wait_seconds" in errors:
        errors.pop(prefix + wait_key, None)
    answers = {name: "answers." + name.removeprefix(prefix) for name in errors if name.startswith(prefix)}
    return field_errors(errors, renames={"judge": "participant", **answers})


def contact_save(
    *,
    edition: Edition,
    data: ContactInput,
    ref: str,
    user: User,
    questionnaire: dict[str, list[Question]],
    wait_rules: dict[str, WaitRule],
    sent: Collection[str],
    reason: str,
) -> Contact:
    """contact_record, the one way in of every contact, with its refusal as a 400 naming the request's fields."""
    try:
        contact, _outcome = contact_record(
            edition=edition,
            data=data,
            ref=ref,
            user=user,
            source=Source.API,
            questionnaire=questionnaire,
            wait_rules=wait_rules,
            reason=reason,
        )
    except ContactInvalid as invalid:
        wait_key = wait_scored_key(wait_rules.get(data.channel), questionnaire.get(data.channel, []))
        errors = request_errors(invalid.errors, channel=data.channel, sent=sent, wait_key=wait_key)
        raise exceptions.ValidationError(errors) from None
    return contact


def flat_errors(errors: Any, prefix: str = "") -> dict[str, list[str]]:
    """A serializer's errors with nested fields named with dots (answers.q1), as the schema's FieldErrors says."""
    out: dict[str, list[str]] = {}
    for name, reasons in errors.items():
        if isinstance(reasons, dict):
            out |= flat_errors(reasons, f"{prefix}{name}.")
        else:
            out[f"{prefix}{name}"] = [str(reason) for reason in reasons]
    return out
