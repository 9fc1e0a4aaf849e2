"""The public results API's documents as JSON Schema, for the OpenAPI schema (/api/schema/): the shapes of
docs/results-api.md, which publications.payload builds."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import OpenApiExample

SCORE = {"type": "string", "pattern": r"^\d{1,3}\.\d$", "description": "A percentage with one decimal and a point."}
NULLABLE_SCORE = {"oneOf": [SCORE, {"type": "null"}]}
DIGEST = {"type": "string", "pattern": "^sha256:[0-9a-f]{64}$"}
MOMENT = {"type": "string", "format": "date-time"}
CHANNELS = ["phone", "email", "chat", "messenger"]


def _object(properties: dict[str, Any], required: list[str] | None = None) -> dict[str, Any]:
    return {"type": "object", "properties": properties, "required": required or list(properties)}


def _list(item: dict[str, Any]) -> dict[str, Any]:
    return {"type": "array", "items": item}


def _by_channel(item: dict[str, Any]) -> dict[str, Any]:
    return {"type": "object", "properties": dict.fromkeys(CHANNELS, item), "additionalProperties": False}


NAME = {"type": "string"}
RANKED = _object({"rank": {"type": "integer", "minimum": 1}, "name": NAME, "score": SCORE})
SCORED = _object({"name": NAME, "score": SCORE})
CLASSED = _object({"name": NAME, "class": NAME, "score": SCORE})
CLASS_RANKED = _object({"rank": {"type": "integer", "minimum": 1}, "name": NAME, "class": NAME, "score": SCORE})

BOOLEAN = {"type": "boolean"}
EDITIONS = _list(_object({"year": {"type": "integer"}, "name": NAME, "interim": BOOLEAN, "final": BOOLEAN}))
PUBLICATIONS = _list(_object({"kind": {"enum": ["interim", "final"]}, "published_at": MOMENT, "digest": DIGEST}))
HEAD = {"year": {"type": "integer"}, "published_at": MOMENT, "digest": DIGEST}
INTERIM = _object(
    {
        **HEAD,
        "kind": {"const": "interim"},
        "channels": _by_channel(
            _object({"top3": _list(NAME), "average": NULLABLE_SCORE, "participants": {"type": "integer", "minimum": 0}})
        ),
    }
)
FINAL = _object(
    {
        **HEAD,
        "kind": {"const": "final"},
        "overall": _object({"winners": _list(CLASSED), "ranking": _list(CLASS_RANKED)}),
        "channels": _by_channel(_object({"average": NULLABLE_SCORE, "winners": _list(SCORED), "ranking": _list(RANKED)})),
        "classes": _list(_object({"name": NAME, "winners": _list(SCORED), "ranking": _list(RANKED)})),
    }
)
NOT_PUBLISHED = _object(
    {"detail": {"type": "string"}, "year": {"type": "integer"}, "kind": {"enum": ["interim", "final"]}}, required=["detail"]
)
INTERIM_EXAMPLE = OpenApiExample(
    "Interim results",
    response_only=True,
    value={
        "year": 2021,
        "kind": "interim",
        "published_at": "2021-03-01T12:00:00+00:00",
        "digest": "sha256:" + "9f2c" * 16,
        "channels": {
            "phone": {"top3": ["Frende Forsikring", "Sixt", "Sognenett"], "average": "82.0", "participants": 57},
            "chat": {"top3": [], "average": None, "participants": 0},
        },
    },
)
FINAL_EXAMPLE = OpenApiExample(
    "Final results",
    response_only=True,
    value={
        "year": 2021,
        "kind": "final",
        "published_at": "2021-05-20T18:00:00+00:00",
        "digest": "sha256:" + "0a1b" * 16,
        "overall": {
            "winners": [{"name": "Sognenett", "class": "Broadband", "score": "88.4"}],
            "ranking": [{"rank": 1, "name": "Sognenett", "class": "Broadband", "score": "88.4"}],
        },
        "channels": {
            "phone": {
                "average": "81.7",
                "winners": [{"name": "Sixt", "score": "93.1"}],
                "ranking": [{"rank": 1, "name": "Sixt", "score": "93.1"}],
            }
        },
        "classes": [
            {
                "name": "Broadband",
                "winners": [{"name": "Sognenett", "score": "88.4"}],
                "ranking": [{"rank": 1, "name": "Sognenett", "score": "88.4"}],
            }
        ],
    },
)
