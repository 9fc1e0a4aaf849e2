"""tests/samples/mini imported and published gives tests/samples/mini.expected.json exactly."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from django.test import Client

from award.models import Edition
from publications.services import publication_create, publication_verify


@pytest.mark.parametrize("kind", ["interim", "final"])
def test_mini_sample_publishes_the_expected_payload(mini: Edition, samples: Path, client: Client, kind: str) -> None:
    expected = json.loads((samples / "mini.expected.json").read_text(encoding="utf-8"))[kind]
    publication = publication_create(edition=mini, kind=kind)

    response = client.get(f"/api/v1/editions/2021/results/{kind}/")

    assert response.status_code == 200
    document = response.json()
    assert document.pop("digest") == publication.digest
    assert document.pop("published_at") == publication.published_at.isoformat().replace("Z", "+00:00")
    assert document == expected
    assert publication_verify(publication=publication).ok
