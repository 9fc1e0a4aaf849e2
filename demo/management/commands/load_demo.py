from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandParser, no_translations
from django.db import transaction

from award.models import Edition, Membership, Participant
from award.roles import ORGANISERS, roles_ensure
from channels_app.bundle.importer import import_edition
from channels_app.models import WaitRule
from channels_app.planning import plan_edition
from channels_app.services import judge_ensure
from demo.generate import generate_bundle
from demo.generate.edition import EMAIL_WORKING_DAYS, WAIT_BANDS, WAIT_LIMITS, WAIT_SCALES
from publications.models import PublicationKind
from publications.selectors import publication_latest
from publications.services import publication_create

DEMO_YEAR = 2021
DEMO_COMPANY = "Sognenett"
# Printed by `make demo`; for a local demonstration only.
DEMO_LOGINS = [
    ("organiser", "arrangor", "demo-arrangor-2021"),
    ("judge", "dommer1", "demo-dommer-2021"),
    ("company user (Sognenett)", "sognenett", "demo-sognenett-2021"),
]


def demo_wait_rules(edition: Edition) -> None:
    """The demo edition's waiting-time rules: the award's limits and the bands its contacts were scored with."""
    for channel, (key, _scale) in WAIT_SCALES.items():
        days = EMAIL_WORKING_DAYS if channel == "email" else None
        WaitRule.objects.update_or_create(
            edition=edition,
            channel=channel,
            defaults={
                "limit_seconds": None if days else WAIT_LIMITS[channel],
                "limit_working_days": days,
                "question_key": key,
                "bands": [list(band) for band in WAIT_BANDS[channel]],
            },
        )


class Command(BaseCommand):
    help = "Load the demo edition (Kundeserviceprisen 2021-like), its users, and publish its interim results."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--url", default="http://127.0.0.1:8000", help="Where the site will be served, for the printout.")

    @no_translations  # a command's report is in English, whole (the site's language is for its pages)
    def handle(self, *args: Any, url: str, **options: Any) -> None:
        with tempfile.TemporaryDirectory() as folder:
            generate_bundle(Path(folder))
            summary = import_edition(Path(folder))
        self.stdout.write(f"Demo edition {DEMO_YEAR}: {summary.report()}")

        with transaction.atomic():
            roles_ensure()
            edition_participant = Participant.objects.get(edition__year=DEMO_YEAR, name=DEMO_COMPANY)
            User = get_user_model()
            organiser, _ = User.objects.get_or_create(username="arrangor", defaults={"is_staff": True, "first_name": "Arrangør"})
            organiser.groups.add(Group.objects.get(name=ORGANISERS))
            judge = judge_ensure(username="dommer1")
            company, _ = User.objects.get_or_create(username="sognenett", defaults={"first_name": DEMO_COMPANY})
            Membership.objects.get_or_create(user=company, participant=edition_participant)
            for user, (_, _, password) in zip((organiser, judge, company), DEMO_LOGINS, strict=True):
                user.set_password(password)
                user.save()

        edition = edition_participant.edition
        demo_wait_rules(edition)
        plan = plan_edition(edition=edition)  # the season's plan, made by the same service as `manage.py plan`
        self.stdout.write(f"Contact plan: {plan.planned} contacts planned, {plan.done} done, {plan.second_tries} second tries.")
        interim = publication_latest(year=edition.year, kind=PublicationKind.INTERIM)
        if interim is None or interim.data_version != Edition.objects.get(pk=edition.pk).data_version:
            interim = publication_create(edition=edition, kind=PublicationKind.INTERIM)
            self.stdout.write(f"Published the interim results: {interim.digest}")
        else:
            self.stdout.write(f"Interim results already published: {interim.digest}")

        self.stdout.write("")
        self.stdout.write(self.style.SUCCESS(f"The demo is served on {url}/"))
        self.stdout.write(f"  Public results API: {url}/api/v1/editions/{DEMO_YEAR}/results/interim/")
        self.stdout.write(f"  API docs (tokens, judges, organisers, companies): {url}/api/docs/")
        self.stdout.write(f"  Admin: {url}/admin/")
        for role, username, password in DEMO_LOGINS:
            self.stdout.write(f"  {role:<26} username {username:<10} password {password}")
        self.stdout.write("")
