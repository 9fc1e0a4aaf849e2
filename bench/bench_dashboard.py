"""The company dashboard with 200 participants of 25 contacts each: time and query count of its pages.

    .venv/bin/python -m bench.bench_dashboard

A throw-away SQLite database (or DATABASE_URL when set), filled in bulk:
200 participants in 10 classes offering all four channels, 25 counted contacts
each (5,000 contacts, some 45,000 answers), scored by the real rescoring and
published as interim results (the dashboard's averages are frozen with them). Then
one company user's dashboard, printable report and CSV export are fetched
through Django's test client, median of 20 after a warm-up.
"""

from __future__ import annotations

import random
import statistics
from datetime import date, datetime, timedelta
from functools import partial
from typing import TYPE_CHECKING

from bench.__main__ import setup, timed

if TYPE_CHECKING:
    from django.contrib.auth.models import User  # imported for real only after setup()

PARTICIPANTS, CONTACTS_EACH, CLASSES = 200, 25, 10
PLAN = {"phone": 9, "email": 7, "chat": 5, "messenger": 4}  # 25 contacts: phone first (docs/architecture.md)
AREAS = ["Answer and waiting time", "The agent", "Solution", "Closing"]


def populate() -> tuple[User, int]:
    """Fill an edition in bulk and score it; return the company user and its participant's contact count."""
    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from award.models import AwardClass, Edition, Membership, Participant, ParticipantChannel
    from channels_app.models import Answer, Contact, Question
    from publications.services import publication_create
    from scoring import rules
    from scoring.services import edition_rescore

    rng = random.Random(2021)  # nosec B311 # seeded on purpose: the same synthetic contacts every run
    edition = Edition.objects.create(
        year=2021, name="Bench 2021", starts_on=date(2021, 1, 15), ends_on=date(2021, 4, 12), min_contacts_per_channel=3
    )
    classes = AwardClass.objects.bulk_create(
        AwardClass(edition=edition, name=f"Class {n}", slug=f"class-{n}") for n in range(CLASSES)
    )
    participants = Participant.objects.bulk_create(
        Participant(edition=edition, award_class=classes[n % CLASSES], name=f"Company {n:03d}") for n in range(PARTICIPANTS)
    )
    ParticipantChannel.objects.bulk_create(ParticipantChannel(participant=p, channel=c) for p in participants for c in PLAN)
    questions = {
        channel: Question.objects.bulk_create(
            Question(
                edition=edition,
                channel=channel,
                key=f"q{n}",
                text=f"Question {n}?",
                area=AREAS[n % 4],
                max_points=5,
                counts=n != 8,
                position=n,
            )
            for n in range(9)
        )
        for channel in PLAN
    }
    judge = get_user_model().objects.create(username="bench-judge", is_staff=True)
    start = timezone.make_aware(datetime(2021, 1, 18, 9, 0))
    contacts, answer_points = [], []
    for participant in participants:
        for channel, count in PLAN.items():
            for n in range(count):
                answered = rng.random() > 0.08
                points = [rng.randint(1, 5) for _ in questions[channel]] if answered else []
                values = [rules.AnswerValue(p, q.max_points, q.counts) for p, q in zip(points, questions[channel], strict=False)]
                handled_by = (
                    ("bot" if rng.random() < 0.3 else "agent")
                    if answered and channel in rules.BOT_CHANNELS
                    else ("agent" if answered else "")
                )
                contacts.append(
                    Contact(
                        edition=edition,
                        ref=f"{participant.pk}-{channel}-{n}",
                        participant=participant,
                        channel=channel,
                        judge=judge,
                        happened_at=start + timedelta(days=rng.randint(0, 80), minutes=rng.randint(0, 480)),
                        answered=answered,
                        wait_seconds=rng.randint(5, 600),
                        handled_by=handled_by,
                        comment="A polite and helpful agent." if answered else "Nobody answered.",
                        status="submitted",
                        score=rules.contact_score(answered=answered, answers=values),
                    )
                )
                answer_points.append(points)
    Contact.objects.bulk_create(contacts, batch_size=2000)
    Answer.objects.bulk_create(
        (
            Answer(contact=contact, question=question, points=p, max_points=question.max_points)
            for contact, points in zip(contacts, answer_points, strict=True)
            for question, p in zip(questions[contact.channel], points, strict=False)
        ),
        batch_size=5000,
    )
    edition_rescore(edition_id=edition.pk, force=True)
    publication_create(edition=edition, kind="interim")  # the dashboard's averages are the latest publication's
    # Not a secret: a user of the throwaway benchmark database, logged in with force_login.
    users = get_user_model().objects
    reader = users.create_user("bench-company", password="bench-company-password")  # nosec B106
    Membership.objects.create(user=reader, participant=participants[PARTICIPANTS // 2])
    return reader, Contact.objects.filter(participant=participants[PARTICIPANTS // 2]).count()


def main() -> None:
    setup()
    from django.core.cache import cache
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from award.models import Membership
    from channels_app.models import Answer, Contact

    reader, own = populate()
    participant = Membership.objects.get(user=reader).participant
    client = Client()
    client.force_login(reader)
    pages = {
        "dashboard": "/dashboard/",
        "printable report": f"/dashboard/2021/{participant.pk}/report/",
        "CSV export": f"/dashboard/2021/{participant.pk}/contacts.csv",
        "chart (phone)": f"/dashboard/2021/{participant.pk}/chart/phone.svg",
    }
    print(
        f"database: {connection.vendor}; {PARTICIPANTS} participants, {Contact.objects.count():,} contacts, "
        f"{Answer.objects.count():,} answers; the company's own contacts: {own}"
    )
    for name, url in pages.items():
        # Warm-up: templates, translations, the cached publication. Not an assert: python -O would time error pages.
        if (status := client.get(url).status_code) != 200:
            raise SystemExit(f"{url} answered {status}")
        connection.queries_log.clear()  # DEBUG keeps at most 9,000 queries: the bulk load filled it
        with CaptureQueriesContext(connection) as queries:
            client.get(url)
        times = timed(partial(client.get, url), 20)
        print(
            f"  {name:<17} median {statistics.median(times) * 1000:6.1f} ms  min {min(times) * 1000:6.1f} ms  "
            f"{len(queries.captured_queries):2d} queries  (20 runs)"
        )

    def cold() -> None:
        cache.clear()  # as after a restart of the cache: nothing of the field is computed live, all read from the publication
        client.get("/dashboard/")

    times = timed(cold, 10)
    print(
        f"  {'dashboard, cold':<17} median {statistics.median(times) * 1000:6.1f} ms  min {min(times) * 1000:6.1f} ms  (10 runs)"
    )


if __name__ == "__main__":
    main()
