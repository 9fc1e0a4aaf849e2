"""The examples of the judges' endpoints in the OpenAPI schema: one phone questionnaire and one contact on it."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiExample

QUESTIONNAIRE = OpenApiExample(
    "The phone questionnaire",
    value={
        "year": 2021,
        "channel": "phone",
        "questions": [
            {
                "key": "wait",
                "text": "How long did you wait?",
                "area": "Answer and waiting time",
                "max_points": 5,
                "counts": True,
                "position": 0,
                "scored_by_wait": True,
            },
            {
                "key": "solution",
                "text": "Did you get a correct and complete answer?",
                "area": "Solution",
                "max_points": 10,
                "counts": True,
                "position": 1,
                "scored_by_wait": False,
            },
            {
                "key": "feeling",
                "text": "How did the contact feel?",
                "area": "Customer experience",
                "max_points": 5,
                "counts": False,
                "position": 2,
                "scored_by_wait": False,
            },
        ],
        "wait": {
            "limit_seconds": 300,
            "limit_working_days": None,
            "bands": [[30, 5], [60, 4], [120, 3], [300, 1]],
            "question_key": "wait",
        },
    },
    response_only=True,
)

PARTICIPANT = {"id": 7, "name": "Sognenett"}
WORK = OpenApiExample(
    "A week's work",
    value={
        "year": 2021,
        "week_start": "2021-02-01",
        "due": [
            {
                "id": 41,
                "participant": PARTICIPANT,
                "channel": "phone",
                "attempt": 1,
                "planned_at": "2021-02-03T10:15:00+01:00",
                "contact": None,
            }
        ],
        "overdue": [],
        "second_tries": [
            {
                "id": 52,
                "participant": PARTICIPANT,
                "channel": "chat",
                "attempt": 2,
                "planned_at": "2021-02-04T13:00:00+01:00",
                "contact": None,
            }
        ],
        "done": [
            {
                "id": 40,
                "participant": PARTICIPANT,
                "channel": "phone",
                "attempt": 1,
                "planned_at": "2021-02-01T10:00:00+01:00",
                "contact": 311,
            }
        ],
        "drafts": [
            {
                "id": 312,
                "ref": "E-3f2a9c01d4",
                "participant": PARTICIPANT,
                "channel": "email",
                "happened_at": "2021-02-02T09:30:00+01:00",
                "unchosen": ["solution"],
                "updated_at": "2021-02-02T09:41:12+01:00",
            }
        ],
        "done_count": 1,
        "planned_count": 25,
    },
    response_only=True,
)

CONTACT_NEW = OpenApiExample(
    "A phone contact",
    value={
        "participant": 7,
        "channel": "phone",
        "happened_at": "2021-02-01T10:15:00+01:00",
        "answered": True,
        "wait_seconds": 40,
        "handled_by": "agent",
        "comment": "Friendly, knew the answer",
        "answers": {"solution": 7, "feeling": None},
        "status": "submitted",
    },
    request_only=True,
)

CONTACT_PATCH = OpenApiExample(
    "The last question of a draft, and submit",
    value={"answers": {"feeling": 4}, "status": "submitted"},
    request_only=True,
)

CONTACT = OpenApiExample(
    "A submitted phone contact",
    value={
        "id": 311,
        "ref": "P-9b1c04e2aa",
        "year": 2021,
        "participant": 7,
        "participant_name": "Sognenett",
        "channel": "phone",
        "happened_at": "2021-02-01T10:15:00+01:00",
        "answered": True,
        "wait_seconds": 40,
        "handled_by": "agent",
        "comment": "Friendly, knew the answer",
        "answers": {"wait": 4, "solution": 7, "feeling": None},
        "status": "submitted",
        "score": "73.3333",
        "unchosen": [],
        "voided": False,
        "void_reason": "",
        "created_at": "2021-02-01T10:31:08+01:00",
        "updated_at": "2021-02-01T10:31:08+01:00",
    },
    response_only=True,
    status_codes=["200", "201"],
)
