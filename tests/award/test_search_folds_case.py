"""A search folds case beyond ASCII on SQLite as on PostgreSQL: "øst" and "ØST" find "Trafikkontoret Øst"."""

from __future__ import annotations

import pytest

from award.models import Participant
from award.sqlite import like
from tests.factories import ParticipantFactory


@pytest.mark.parametrize("term", ["øst", "ØST", "Øst", "trafikkontoret ø", "KONTORET"])
def test_a_case_insensitive_lookup_finds_letters_beyond_ascii(db: None, term: str) -> None:
    wanted = ParticipantFactory.create(name="Trafikkontoret Øst")
    ParticipantFactory.create(name="Vest Bank")

    assert list(Participant.objects.filter(name__icontains=term)) == [wanted]


def test_like_keeps_its_wildcards_and_escapes() -> None:
    assert like("%øst", "Trafikkontoret ØST") is True
    assert like("a_c", "ABC") is True
    assert like("a_c", "abbc") is False
    assert like("100\\%", "100%", "\\") is True
    assert like("100\\%", "1000", "\\") is False
    assert like("a\\_c", "abc", "\\") is False
    assert like("%", None) is None


def test_the_admin_search_finds_it_too(db: None, client_as: object) -> None:
    ParticipantFactory.create(name="Trafikkontoret Øst")
    client = client_as("organiser")  # type: ignore[operator]

    page = client.get("/admin/award/participant/", {"q": "øst"}).content.decode()

    assert "Trafikkontoret Øst" in page
