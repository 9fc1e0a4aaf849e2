"""One way to ask for the latest publication: publications.selectors.publication_latest."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path

from award.models import Edition
from publications.selectors import publication_latest
from publications.services import publication_create

ROOT = Path(__file__).resolve().parents[2]
AT = datetime(2021, 3, 1, 12, 0, tzinfo=UTC)


def test_the_latest_of_a_kind_or_of_any_kind(mini: Edition) -> None:
    assert publication_latest(year=2021) is None
    first = publication_create(edition=mini, kind="interim", published_at=AT)
    second = publication_create(edition=mini, kind="interim", published_at=AT)  # the same second: the later row wins
    final = publication_create(edition=mini, kind="final", published_at=datetime(2021, 2, 1, tzinfo=UTC))

    assert publication_latest(year=2021, kind="interim") == second != first
    assert publication_latest(year=2021, kind="final") == final
    assert publication_latest(year=2021) == second  # by the moment of publishing, not by kind
    assert publication_latest(year=2020) is None


def test_it_leaves_the_big_columns_in_the_database_unless_asked(mini: Edition) -> None:
    publication_create(edition=mini, kind="final")

    page = publication_latest(year=2021, kind="final")
    api = publication_latest(year=2021, kind="final", with_payload=True)

    assert page is not None and api is not None
    assert "payload" in page.get_deferred_fields()
    assert "payload" not in api.get_deferred_fields()


def test_no_other_module_orders_publications_itself() -> None:
    """Pages, the API, the dashboard, the services and the commands all ask publication_latest."""
    own = {ROOT / "publications" / "selectors.py", ROOT / "publications" / "models.py"}
    ordering = re.compile(r"""order_by\(\s*["']-published_at""")
    offenders = [
        path.relative_to(ROOT).as_posix()
        for app in ("audit", "award", "channels_app", "scoring", "publications", "website", "dashboard", "demo")
        for path in (ROOT / app).rglob("*.py")
        if path not in own and "migrations" not in path.parts and ordering.search(path.read_text())
    ]
    assert offenders == []
