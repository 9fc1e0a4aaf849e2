from __future__ import annotations

from typing import Any

from django.db import migrations


def refresh_roles(apps: Any, schema_editor: Any) -> None:
    """The organisers' permissions for the plan's models (PlanSettings, PlannedContact, JudgeCapacity)."""
    from award.roles import roles_ensure

    roles_ensure(apps)


class Migration(migrations.Migration):
    dependencies = [
        ("channels_app", "0007_plan_closed_days"),
        ("award", "0002_roles"),
    ]

    operations = [migrations.RunPython(refresh_roles, migrations.RunPython.noop)]
