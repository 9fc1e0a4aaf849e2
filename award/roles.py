"""The groups of the roles of docs/architecture.md and what each may do in the admin."""

from __future__ import annotations

from django.apps import apps as global_apps
from django.apps.registry import Apps
from django.contrib.auth.management import create_permissions
from django.db.models import Model

JUDGES, ORGANISERS = "Judges", "Organisers"

# Judges log and edit their own contacts (the admin limits them to their own)
# and read the questionnaire; they never see standings (docs/architecture.md).
JUDGE_PERMISSIONS = [
    "channels_app.add_contact",
    "channels_app.change_contact",
    "channels_app.view_contact",
    "channels_app.view_question",
    "channels_app.add_judgeconflict",
    "channels_app.view_judgeconflict",
]
ORGANISER_APPS = ("audit", "award", "channels_app", "scoring", "publications")
# Made by services, never edited: publications (scoring.md §6) and the change history.
NEVER_EDITED = ("change_publication", "delete_publication", "add_changerecord", "change_changerecord", "delete_changerecord")
ORGANISER_EXTRA = ["auth.add_user", "auth.change_user", "auth.view_user", "auth.view_group"]


def roles_ensure(apps: Apps = global_apps) -> None:
    """Create both groups with their permissions; safe to run again."""
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for app_config in apps.get_app_configs():
        historical = apps is not global_apps
        if historical:
            # In a migration the app configs are stubs that create_permissions would skip.
            app_config.models_module = True  # type: ignore[assignment]  # create_permissions only tests it for truth
        create_permissions(app_config, verbosity=0, apps=apps)
        if historical:
            app_config.models_module = None

    def permissions(names: list[str]) -> list[Model]:
        found = []
        for name in names:
            app_label, codename = name.split(".")
            found += list(Permission.objects.filter(content_type__app_label=app_label, codename=codename))
        return found

    judges, _ = Group.objects.get_or_create(name=JUDGES)
    judges.permissions.set(permissions(JUDGE_PERMISSIONS))
    organisers, _ = Group.objects.get_or_create(name=ORGANISERS)
    organiser_permissions = list(Permission.objects.filter(content_type__app_label__in=ORGANISER_APPS))
    organiser_permissions = [p for p in organiser_permissions if p.codename not in NEVER_EDITED]
    organisers.permissions.set(organiser_permissions + permissions(ORGANISER_EXTRA))
