"""Everything people read is translated: no empty or fuzzy entry in nb or sv, and the .mo files are current."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import polib
import pytest

from tests.conftest import ROOT


@pytest.mark.parametrize("language", ["nb", "sv"])
def test_every_string_is_translated_and_compiled(language: str) -> None:
    folder = ROOT / "locale" / language / "LC_MESSAGES"
    po = polib.pofile(str(folder / "django.po"))
    assert [entry.msgid for entry in po.untranslated_entries()] == []
    assert [entry.msgid for entry in po.fuzzy_entries()] == []
    compiled = polib.mofile(str(folder / "django.mo"))
    assert {e.msgid: e.msgstr for e in compiled if e.msgid} == {e.msgid: e.msgstr for e in po.translated_entries()}


def test_the_catalogue_holds_every_string_of_the_sources(tmp_path: Any) -> None:
    """A string added to the code or a template but never extracted would show in English: extract anew and compare."""
    apps = ("audit", "award", "channels_app", "scoring", "publications", "website", "dashboard", "api", "demo", "config")
    for name in (*apps, "templates", "locale", "manage.py"):
        source = ROOT / name
        (shutil.copytree if source.is_dir() else shutil.copy)(source, tmp_path / name)
    subprocess.run(
        [sys.executable, "manage.py", "makemessages", "-l", "nb", "--no-obsolete", "-v0"],
        cwd=tmp_path,
        check=True,
        env=os.environ | {"DJANGO_SETTINGS_MODULE": "config.settings"},
    )

    def ids(path: Path) -> set[tuple[str | None, str]]:
        return {(entry.msgctxt, entry.msgid) for entry in polib.pofile(str(path)) if not entry.obsolete}

    extracted = ids(tmp_path / "locale" / "nb" / "LC_MESSAGES" / "django.po")
    assert extracted - ids(ROOT / "locale" / "nb" / "LC_MESSAGES" / "django.po") == set()
