"""The OpenAPI schema's parts that drf-spectacular cannot see for itself: how a token is given, and the error answers
every endpoint may give (added to each operation by one hook, so that no view can forget one)."""

from __future__ import annotations

from typing import Any

from drf_spectacular.extensions import OpenApiAuthenticationExtension


class TokenScheme(OpenApiAuthenticationExtension):
    target_class = "api.authentication.TokenAuthentication"
    name = "token"

    def get_security_definition(self, auto_schema: Any) -> dict[str, str]:
        return {
            "type": "http",
            "scheme": "bearer",
            "description": "A personal API token (csa_…), made on the site's “API tokens” page or with POST /api/v1/tokens/.",
        }


DETAIL = {
    "type": "object",
    "properties": {"detail": {"type": "string"}},
    "required": ["detail"],
    "example": {"detail": "Not found."},
}
FIELD_ERRORS = {
    "type": "object",
    "description": "Each field refused, with its reasons in the client's language (Accept-Language); "
    "non_field_errors for the request as a whole. Nested fields are named with dots (answers.q1).",
    # A list's or a nested object's errors are an object by index or by field, as DRF gives them.
    "additionalProperties": {"anyOf": [{"type": "array", "items": {"type": "string"}}, {"type": "object"}]},
    "example": {"happened_at": ["2020-05-01 is outside the edition (2021-01-04 to 2021-05-28)"]},
}
BAD_REQUEST = {
    "description": "A body that is not JSON at all (detail), or fields refused (each with its reasons).",
    "anyOf": [{"$ref": "#/components/schemas/Detail"}, {"$ref": "#/components/schemas/FieldErrors"}],
}
RETRY_AFTER = {"Retry-After": {"schema": {"type": "integer"}, "description": "Seconds to wait before trying again."}}


def _answer(description: str, schema: str, headers: dict[str, Any] | None = None) -> dict[str, Any]:
    answer: dict[str, Any] = {
        "description": description,
        "content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{schema}"}}},
    }
    if headers:
        answer["headers"] = headers
    return answer


ERRORS = {
    "400": _answer("Refused: each field named with its reasons, or a body that could not be read.", "BadRequest"),
    "401": _answer("No credentials, or a token that is wrong, expired or revoked.", "Detail"),
    "403": _answer("Not allowed for this role, or the token lacks the scope, or the CSRF check failed.", "Detail"),
    "404": _answer("Not found, or not the caller's to see.", "Detail"),
    "415": _answer("The body is not JSON (or, for an upload, not multipart form data).", "Detail"),
    "429": _answer("Too many requests: try again after Retry-After seconds.", "Detail", RETRY_AFTER),
}
WRITES = {"post", "put", "patch"}
LOCATION = {"Location": {"schema": {"type": "string", "format": "uri"}, "description": "The address of what was made."}}
REPLAYED = {
    "Idempotent-Replayed": {
        "schema": {"const": "true"},
        "description": "Present when this is the answer a request with the same Idempotency-Key got before.",
    }
}


def add_errors(result: dict[str, Any], generator: Any, request: Any, public: bool) -> dict[str, Any]:
    """POSTPROCESSING_HOOKS: every operation documents the errors it may answer."""
    schemas = result.setdefault("components", {}).setdefault("schemas", {})
    schemas.setdefault("Detail", DETAIL)
    schemas.setdefault("FieldErrors", FIELD_ERRORS)
    schemas.setdefault("BadRequest", BAD_REQUEST)
    for path, operations in result.get("paths", {}).items():
        for method, operation in operations.items():
            if method not in {"get", "post", "put", "patch", "delete"}:
                continue
            codes = ["400"]  # a bad query parameter, or a bad body
            codes += operation.pop("x-errors", [])  # what an operation open to all may still answer (a login's 401)
            if operation.get("security") != [{}] and operation.get("security"):
                codes += ["401", "403", "429"]
            if "{" in path or method == "get":
                codes.append("404")
            if method in WRITES:
                codes.append("415")
            responses = operation.setdefault("responses", {})
            for code in codes:
                responses.setdefault(code, ERRORS[code])
            idempotent = any(parameter.get("name") == "Idempotency-Key" for parameter in operation.get("parameters", []))
            for code, answer in responses.items():
                if code == "201":
                    answer.setdefault("headers", {}).update(LOCATION)
                if idempotent and code.startswith("2"):
                    answer.setdefault("headers", {}).update(REPLAYED)
    return result
