"""docs/architecture.md matches the tree: every app of the project is described, layered and says who may import it."""

from __future__ import annotations

import importlib
import os
import tomllib
from pathlib import Path

from django.apps import apps

ROOT = Path(__file__).resolve().parents[2]


def project_apps() -> list[str]:
    return [config.name for config in apps.get_app_configs() if (ROOT / config.name).is_dir()]


def test_every_app_is_described_and_layered() -> None:
    page = (ROOT / "docs" / "architecture.md").read_text(encoding="utf-8")
    linter = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["importlinter"]
    layers = {name.strip() for layer in linter["contracts"][0]["layers"] for name in layer.split("|")}

    assert project_apps() == ["audit", "award", "channels_app", "scoring", "publications", "website", "dashboard", "api", "demo"]
    for app in project_apps():
        assert f"**`{app}/`**" in page, f"docs/architecture.md has no paragraph on {app}/"
        assert app in linter["root_packages"] and app in layers
    assert set(linter["root_packages"]) == {*project_apps(), "config"}


def test_every_app_says_what_lives_there_and_who_may_import_it() -> None:
    for app in project_apps():
        doc = importlib.import_module(app).__doc__ or ""
        assert "import" in doc.lower(), f"{app}/__init__.py does not say who may import it"


def test_nothing_outside_the_tests_refers_to_the_shared_folder() -> None:
    skipped = {".venv", ".git", "tests", "node_modules", "staticfiles", "test-artifacts", "__pycache__"}
    offenders = []
    for folder, subfolders, files in os.walk(ROOT):
        subfolders[:] = [name for name in subfolders if name not in skipped]
        for name in files:
            path = Path(folder) / name
            if path.suffix in {".py", ".md", ".html", ".txt", ".toml", ".yml", ".cfg"} and "../shared" in path.read_text(
                encoding="utf-8", errors="ignore"
            ):
                offenders.append(path.relative_to(ROOT).as_posix())
    assert offenders == []
