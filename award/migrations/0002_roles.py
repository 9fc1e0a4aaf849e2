from __future__ import annotations

from typing import Any

from django.db import migrations


def create_roles(apps: Any, schema_editor: Any) -> None:
    from award.roles import roles_ensure

    roles_ensure(apps)


class Migration(migrations.Migration):
    # The roles' permissions name models of every app, so their tables come first.
    dependencies = [
        ("award", "0001_initial"),
        ("audit", "0001_initial"),
        ("channels_app", "0001_initial"),
        ("scoring", "0001_initial"),
        ("publications", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_roles, migrations.RunPython.noop)]
