"""Everything people read is translated: no empty or fuzzy entry in nb or sv, and the .mo files are current."""

from __future__ import annotations

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
