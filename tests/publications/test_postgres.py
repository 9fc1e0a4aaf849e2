"""The same data gives the same digest on SQLite and PostgreSQL (the PostgreSQL pass of CI)."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import datetime
from pathlib import Path

import pytest

from award.models import Edition
from channels_app.bundle.importer import import_edition
from publications.inputs import reference_results
from publications.services import publication_create
from scoring.selectors import edition_results
from tests.conftest import ROOT, on_postgres

MOMENT = "2021-03-01T12:00:00+00:00"

SQLITE_SCRIPT = """
import sys
from datetime import datetime
from pathlib import Path
from django.core.management import call_command
call_command("migrate", verbosity=0)
from award.models import Edition
from publications.services import publication_create
from channels_app.bundle.importer import import_edition
import_edition(Path(sys.argv[1]))
edition = Edition.objects.get()
for kind in ("interim", "final"):
    print(publication_create(edition=edition, kind=kind, published_at=datetime.fromisoformat(sys.argv[2])).digest)
"""


def digests_on_sqlite(bundle: Path, tmp_path: Path) -> list[str]:
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "CELERY_BROKER_URL", "REDIS_URL")}
    env["DATABASE_URL"] = f"sqlite:///{tmp_path / 'sqlite.db'}"
    result = subprocess.run(
        [sys.executable, "-c", "import sys, django; django.setup(); exec(sys.argv.pop(1))", SQLITE_SCRIPT, str(bundle), MOMENT],
        cwd=ROOT,
        env=env | {"DJANGO_SETTINGS_MODULE": "config.settings"},
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.split()


@pytest.mark.postgres
@pytest.mark.parametrize("bundle_name", ["mini", "demo"])
def test_same_data_same_digest_on_sqlite_and_postgresql(
    bundle_name: str, db: None, samples: Path, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    on_postgres()
    bundle = samples / "mini" if bundle_name == "mini" else request.getfixturevalue("demo_bundle")
    import_edition(bundle)
    edition = Edition.objects.get()
    moment = datetime.fromisoformat(MOMENT)

    on_postgresql = [publication_create(edition=edition, kind=kind, published_at=moment).digest for kind in ("interim", "final")]

    assert on_postgresql == digests_on_sqlite(bundle, tmp_path)
    assert edition_results(edition=edition) == reference_results(edition=edition)
