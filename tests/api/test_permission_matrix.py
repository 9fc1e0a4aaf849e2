"""Every operation of the API's schema, with every method it has, asked by each persona with a token of both scopes
(or nobody): the roles table of docs/architecture.md, endpoint by endpoint (docs/api.md, "Who may do what").

The operations come from the schema itself, so a new endpoint without a line here fails the test. A request carries
an empty JSON body: what is refused for its content (400) has passed the check of who may ask. Each persona's run
has its own database, so what one deletes is there for the next.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import pytest
from django.contrib.auth.models import User
from drf_spectacular.generators import SchemaGenerator
from rest_framework.test import APIClient

from audit.models import Source
from award.accounts.tokens import token_create
from award.models import Participant
from channels_app.import_jobs import import_job_create
from channels_app.models import JudgeConflict
from publications.services import publication_create
from tests.conftest import record
from tests.factories import QuestionFactory

PERSONAS = ("anonymous", "company_user", "other_company_user", "judge", "other_judge", "organiser")
Row = tuple[int, int, int, int, int, int]  # in the order of PERSONAS


def everyone(status: int) -> Row:
    return (status, status, status, status, status, status)


def logged_in(status: int) -> Row:
    return (401, status, status, status, status, status)


def organisers(status: int) -> Row:
    return (401, 403, 403, 403, 403, status)


def judges(status: int, *, own: bool) -> Row:
    """own: the judge's own object, which the other judge does not find."""
    return (401, 403, 403, status, 404 if own else status, 403)


def companies(status: int, *, own: bool) -> Row:
    """own: participant A's, which the other company's user does not find."""
    return (401, status, 404 if own else status, 403, 403, 403)


MATRIX: dict[str, Row] = {
    # The public results: everyone alike (the edition's interim results are published, its final ones not).
    "editions_list": everyone(200),
    "publications_list": everyone(200),
    "results_interim": everyone(200),
    "results_final": everyone(404),
    # Tokens: one's own; getting one is a login, open to all (an empty body is refused for its content).
    "tokens_list": logged_in(200),
    "tokens_create": everyone(400),
    "tokens_revoke": (401, 404, 404, 204, 404, 404),  # the judge's token
    # Judges: their own contacts and work; another judge's contact is not found.
    "judge_questionnaire": judges(200, own=False),
    "judge_work": judges(200, own=False),
    "judge_contacts_list": judges(200, own=False),
    "judge_contacts_create": judges(400, own=False),
    "judge_contact": judges(200, own=True),
    "judge_contact_replace": judges(400, own=True),
    "judge_contact_update": judges(200, own=True),  # an empty change: nothing changes
    "judge_contact_submit": judges(200, own=True),  # already submitted: nothing changes
    # Companies: their own participant; another company's is not found.
    "company_participants_list": companies(200, own=False),
    "company_dashboard": companies(200, own=True),
    "company_contacts_list": companies(200, own=True),
    # Organisers: everything else.
    "organiser_editions_list": organisers(200),
    "organiser_editions_create": organisers(400),
    "organiser_editions_retrieve": organisers(200),
    "organiser_editions_update": organisers(200),
    "organiser_classes_list": organisers(200),
    "organiser_classes_create": organisers(400),
    "organiser_classes_retrieve": organisers(200),
    "organiser_classes_rename": organisers(200),  # no new name: nothing changes
    "organiser_classes_destroy": organisers(400),  # participants are in it
    "organiser_participants_list": organisers(200),
    "organiser_participants_create": organisers(400),
    "organiser_participants_retrieve": organisers(200),
    "organiser_participants_update": organisers(200),
    "organiser_participants_destroy": organisers(400),  # it has contacts
    "organiser_questions_list": organisers(200),
    "organiser_questions_create": organisers(400),
    "organiser_questions_retrieve": organisers(200),
    "organiser_questions_update": organisers(200),
    "organiser_questions_destroy": organisers(400),  # it has answers
    "organiser_conflicts_list": organisers(200),
    "organiser_conflicts_create": organisers(400),
    "organiser_conflicts_retrieve": organisers(200),
    "organiser_conflicts_destroy": organisers(204),
    "organiser_plan_list": organisers(200),
    "organiser_plan_make": organisers(200),
    "organiser_standings_retrieve": organisers(200),
    "organiser_scoring_retrieve": organisers(200),
    "organiser_rescorings_create": organisers(202),
    "organiser_imports_list": organisers(200),
    "organiser_imports_create": organisers(415),  # an upload is multipart, not JSON
    "organiser_imports_retrieve": organisers(200),
    "organiser_imports_check": organisers(409),  # waiting for its first check
    "organiser_imports_confirm": organisers(409),  # not checked yet
    "organiser_publications_list": organisers(200),
    "organiser_publications_preview": organisers(200),
    "organiser_publications_create": organisers(400),
    "organiser_publications_retrieve": organisers(200),
}
QUERIES = {"organiser_publications_preview": "?kind=interim"}


@dataclass(frozen=True)
class Operation:
    operation_id: str
    method: str
    path: str


def schema_operations() -> list[Operation]:
    schema = SchemaGenerator().get_schema(request=None, public=True)
    return [
        Operation(operation["operationId"], method.upper(), path)
        for path, item in schema["paths"].items()
        for method, operation in item.items()
        if method in {"get", "post", "put", "patch", "delete"}
    ]


@dataclass(frozen=True)
class World:
    params: dict[str, dict[str, str]]  # operation id -> its path parameters
    hidden: dict[str, list[str]]  # persona -> what no answer to them may hold
    tokens: dict[str, str]


REF_A, REF_B = "MATRIX-A-1", "MATRIX-B-1"


@pytest.fixture
def world(
    organiser: User,
    judge: User,
    other_judge: User,
    company_user: User,
    other_company_user: User,
    participant_a: Participant,
    participant_b: Participant,
) -> World:
    edition = participant_a.edition
    question = QuestionFactory.create(edition=edition, channel="phone", key="solution", max_points=10)
    contact = record(edition, ref=REF_A, participant=participant_a, channel="phone", judge=judge, answers={"solution": 8})
    record(edition, ref=REF_B, participant=participant_b, channel="phone", judge=other_judge, answers={"solution": 3})
    conflict = JudgeConflict.objects.create(judge=judge, participant=participant_b, reason="My sister works there")
    job = import_job_create(edition=edition, user=organiser, name="contacts.csv", content=b"ref\n")
    publication = publication_create(edition=edition, kind="interim", published_at=datetime(edition.year, 3, 1, 12, tzinfo=UTC))
    users = {
        "organiser": organiser,
        "judge": judge,
        "other_judge": other_judge,
        "company_user": company_user,
        "other_company_user": other_company_user,
    }
    tokens = {
        persona: token_create(owner=user, name="matrix", scopes=["read", "write"], source=Source.COMMAND)
        for persona, user in users.items()
    }
    ids = {
        "judge_contact": contact.pk,
        "organiser_classes": participant_a.award_class_id,
        "organiser_participants": participant_a.pk,
        "organiser_questions": question.pk,
        "organiser_conflicts": conflict.pk,
        "organiser_imports": job.pk,
        "organiser_publications": publication.pk,
        "tokens": tokens["judge"].token.pk,
    }
    params = {}
    for operation_id in MATRIX:
        found = next((pk for prefix, pk in ids.items() if operation_id.startswith(prefix)), None)
        params[operation_id] = {
            "year": str(edition.year),
            "channel": "phone",
            "participant_id": str(participant_a.pk),
            "id": str(found) if found is not None else "",
        }
    hidden = {
        "anonymous": [REF_A, REF_B, judge.username, other_judge.username],
        "company_user": [REF_B, participant_b.name, judge.username, other_judge.username],
        "other_company_user": [REF_A, participant_a.name, judge.username, other_judge.username],
        "judge": [REF_B, other_judge.username],
        "other_judge": [REF_A, judge.username],
        "organiser": [],
    }
    return World(params, hidden, {persona: new.secret for persona, new in tokens.items()})


def test_every_operation_of_the_schema_is_in_the_matrix() -> None:
    assert sorted(operation.operation_id for operation in schema_operations()) == sorted(MATRIX)


@pytest.mark.parametrize("persona", PERSONAS)
def test_every_operation_as_each_persona(persona: str, world: World, unthrottled: None) -> None:
    client = APIClient(HTTP_ACCEPT_LANGUAGE="en")
    if persona != "anonymous":
        client.credentials(HTTP_AUTHORIZATION=f"Bearer {world.tokens[persona]}")
    column = PERSONAS.index(persona)
    got: dict[str, Any] = {}
    wanted: dict[str, Any] = {}
    for operation in schema_operations():
        path = operation.path.format(**world.params[operation.operation_id]) + QUERIES.get(operation.operation_id, "")
        body = "{}" if operation.method in {"POST", "PUT", "PATCH"} else ""
        response = client.generic(operation.method, path, data=body, content_type="application/json")
        key = f"{operation.method} {path}"
        shown = [text for text in world.hidden[persona] if response.status_code < 300 and text in response.content.decode()]
        got[key] = (response.status_code, shown)
        wanted[key] = (MATRIX[operation.operation_id][column], [])
        got[key] += (response.get("Content-Type", "") if response.status_code != 204 else "",)
        wanted[key] += ("application/json" if response.status_code != 204 else "",)
    assert got == wanted
