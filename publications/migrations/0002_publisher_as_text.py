"""The publisher kept as the username it had (text), so that no account deletion or rename touches a publication."""

from __future__ import annotations

from typing import Any

from django.db import migrations, models


def copy_usernames(apps: Any, schema_editor: Any) -> None:
    Publication = apps.get_model("publications", "Publication")
    User = apps.get_model("auth", "User")
    names = dict(User.objects.values_list("pk", "username"))
    for publication in Publication.objects.exclude(published_by__isnull=True).only("pk", "published_by"):
        Publication.objects.filter(pk=publication.pk).update(publisher_name=names.get(publication.published_by_id, ""))


class Migration(migrations.Migration):
    dependencies = [("publications", "0001_initial"), ("auth", "0012_alter_user_first_name_max_length")]

    operations = [
        migrations.AddField(
            model_name="publication",
            name="publisher_name",
            field=models.CharField(blank=True, max_length=150, verbose_name="published by"),
        ),
        migrations.RunPython(copy_usernames, migrations.RunPython.noop),
        migrations.RemoveField(model_name="publication", name="published_by"),
        migrations.RenameField(model_name="publication", old_name="publisher_name", new_name="published_by"),
    ]
