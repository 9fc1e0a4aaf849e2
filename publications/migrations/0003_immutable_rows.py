"""A trigger refuses UPDATE and DELETE of publication rows, on PostgreSQL and SQLite alike (publications.triggers)."""

from __future__ import annotations

from typing import Any

from django.db import migrations


def install(apps: Any, schema_editor: Any) -> None:
    from publications.triggers import triggers_install

    triggers_install(schema_editor, install=True)


def remove(apps: Any, schema_editor: Any) -> None:
    from publications.triggers import triggers_install

    triggers_install(schema_editor, install=False)


class Migration(migrations.Migration):
    dependencies = [("publications", "0002_publisher_as_text")]

    operations = [migrations.RunPython(install, remove)]
