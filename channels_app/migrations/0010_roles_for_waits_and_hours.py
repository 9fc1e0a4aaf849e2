from __future__ import annotations

from typing import Any

from django.db import migrations


def refresh_roles(apps: Any, schema_editor: Any) -> None:
    """The organisers' permissions for the waiting-time rules and the participants' opening hours."""
    from award.roles import roles_ensure

    roles_ensure(apps)


class Migration(migrations.Migration):
    dependencies = [
        ("channels_app", "0009_wait_rules_and_opening_hours"),
        ("award", "0002_roles"),
    ]

    operations = [migrations.RunPython(refresh_roles, migrations.RunPython.noop)]
