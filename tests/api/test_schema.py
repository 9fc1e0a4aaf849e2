"""The OpenAPI schema: valid OpenAPI 3.1, generated without a warning, every operation described with its errors."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml
from django.core.management import call_command
from rest_framework.test import APIClient

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def schema(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    path: Path = tmp_path_factory.mktemp("schema") / "schema.yaml"
    # --validate checks it against the OpenAPI specification; --fail-on-warn fails on anything drf-spectacular had to
    # guess (a view without a serializer, two components of one name).
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(path))
    loaded: dict[str, Any] = yaml.safe_load(path.read_text(encoding="utf-8"))
    return loaded


def operations(schema: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    return [
        (path, method, operation)
        for path, item in schema["paths"].items()
        for method, operation in item.items()
        if method in {"get", "post", "put", "patch", "delete"}
    ]


def test_the_schema_is_openapi_3_1_and_served_to_anyone(schema: dict[str, Any]) -> None:
    assert schema["openapi"] == "3.1.0"
    response = APIClient().get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert response.status_code == 200
    assert response.json()["paths"].keys() == schema["paths"].keys()


def test_every_operation_has_an_id_a_summary_a_tag_and_its_errors(schema: dict[str, Any]) -> None:
    found = operations(schema)
    assert len(found) >= 50
    ids = [operation["operationId"] for _path, _method, operation in found]
    assert len(ids) == len(set(ids))
    for path, method, operation in found:
        where = f"{method.upper()} {path}"
        assert operation.get("summary") and operation.get("description"), where
        assert operation["tags"][0] in {"public", "tokens", "judge", "organiser", "company"}, where
        codes = set(operation["responses"])
        assert "400" in codes and any(code.startswith("2") for code in codes), where
        if operation["tags"][0] in {"judge", "organiser", "company"}:
            assert {"401", "403", "429"} <= codes, where
            assert operation["security"] == [{"token": []}, {"cookieAuth": []}], where
        if "{" in path:
            assert "404" in codes, where
        for code, answer in operation["responses"].items():
            if code == "201":
                assert "Location" in answer["headers"], where


def test_every_role_endpoint_has_an_example(schema: dict[str, Any]) -> None:
    missing = []
    for path, method, operation in operations(schema):
        if operation["tags"][0] not in {"judge", "organiser", "company", "public"}:
            continue
        successes = [answer for code, answer in operation["responses"].items() if code.startswith("2")]
        if not any(answer.get("content") for answer in successes):
            continue  # nothing to show (a 204)
        bodies = [content for answer in successes for content in answer.get("content", {}).values()]
        request = operation.get("requestBody", {}).get("content", {}).values()
        if not any("examples" in content for content in [*bodies, *request]):
            missing.append(f"{method.upper()} {path}")
    assert missing == []
