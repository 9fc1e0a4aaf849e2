"""The company dashboard at any size: a participant with some 5,100 contacts in an edition of 1,000,000.

    .venv/bin/python -m bench.bench_dashboard    # DATABASE_URL, else bench_dashboard_1000000 on the local PostgreSQL

The edition is bench/edition.py's (196 participants, 24 questions a channel, about 22 million answers at 1,000,000
contacts), built once into DATABASE_URL (a PostgreSQL database is created when missing) and reused by every later
run: the first run builds it, rescores it and publishes its final results, which takes some minutes; `--contacts`
gives another size (a fresh database for each size). The reader is a company user of the edition's
`reader_participant_id`, made by the project's own service (award.accounts.services.membership_create).

Measured through Django's test client, with DEBUG off, a local-memory cache and tasks run at commit:
- warm: the dashboard page and the companies' API contacts list (its first page), median of repeated requests,
  with the HTML or JSON bytes and the number of queries of one request;
- cold: the first request after a change to the edition (one of the reader's contacts edited through
  channels_app.services.contact_record, whose rescoring runs at its commit), and the edit itself;
- the printable report and the streamed CSV export (every contact), with the export's peak Python memory;
- the rescoring at that size without the points per question to sum again, with one participant's (what an edit
  leaves) and with the whole edition's (after a questionnaire change), and the field's area sums read from the
  points per question against the scan of every answer that they replace.
"""

from __future__ import annotations

import argparse
import os
import secrets
import statistics
import sys
import time
import tracemalloc
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from bench.__main__ import setup
from bench.bench_import import DEFAULT_POSTGRES, RESULTS, machine, postgres_url, results_write

if TYPE_CHECKING:
    from django.test import Client

DEFAULT_CONTACTS = 1_000_000
YEAR = 2021
WARM, COLD, RESCORE = 10, 3, 3  # repeats


def _environment() -> None:
    """DEBUG off, as in production (DEBUG keeps every query's SQL), no broker (tasks at commit), a local cache."""
    os.environ.setdefault("DEBUG", "false")
    os.environ.setdefault("SECRET_KEY", secrets.token_urlsafe(48))
    os.environ.setdefault("ALLOWED_HOSTS", "testserver")
    os.environ.setdefault("SECURE_SSL_REDIRECT", "false")
    os.environ["CELERY_BROKER_URL"] = ""
    os.environ["REDIS_URL"] = ""


def _database_ensured() -> None:
    """Create DATABASE_URL's PostgreSQL database when it does not exist yet (migrate needs one to connect to)."""
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        return
    import psycopg
    from psycopg import sql

    server, _, name = url.rpartition("/")
    with psycopg.connect(f"{server}/postgres", autocommit=True) as admin:
        if admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone() is None:
            admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


@dataclass(frozen=True)
class Prepared:
    edition_id: int
    participant_id: int
    contacts: int
    answers: int
    own_contacts: int
    built: str  # how the edition came to be: built now (with its seconds) or reused


def prepare(*, contacts: int, year: int) -> Prepared:
    """The edition of `year` with `contacts` contacts, rescored and with its final results published: built once."""
    from award.models import Edition, Participant
    from bench.edition import PARTICIPANTS, build
    from channels_app.models import Answer, Contact
    from publications.models import Publication
    from publications.services import publication_create

    edition = Edition.objects.filter(year=year).first()
    if edition is None:
        built = build(contacts=contacts, year=year)
        edition = Edition.objects.get(pk=built.edition_id)
        how = f"built now in {built.seconds:.0f} s"
    else:
        how = "reused"
    found = Contact.objects.filter(edition=edition).count()
    if found != contacts:
        raise SystemExit(f"{year} in this database has {found:,} contacts, not {contacts:,}: use a database of its own")
    if not Publication.objects.filter(edition=edition, kind="final").exists():
        started = time.perf_counter()
        publication_create(edition=edition, kind="final")  # rescores first; the averages and ranks come from it
        how += f"; final results published in {time.perf_counter() - started:.0f} s"
    participants = list(Participant.objects.filter(edition=edition).order_by("pk").values_list("pk", flat=True))
    participant_id = participants[PARTICIPANTS // 2]  # bench.edition's reader_participant_id
    return Prepared(
        edition_id=edition.pk,
        participant_id=participant_id,
        contacts=found,
        answers=Answer.objects.filter(contact__edition=edition).count(),
        own_contacts=Contact.objects.filter(participant_id=participant_id).count(),
        built=how,
    )


def reader_client(participant_id: int) -> Client:
    """A company user of the participant, made as an organiser makes one, logged in."""
    from django.contrib.auth.models import User
    from django.test import Client

    from audit.models import Source
    from award.accounts.services import membership_create
    from award.models import Membership, Participant

    user, _ = User.objects.get_or_create(username=f"bench-company-{participant_id}")
    if not Membership.objects.filter(user=user, participant_id=participant_id).exists():
        membership_create(member=user, participant=Participant.objects.get(pk=participant_id), source=Source.COMMAND)
    client = Client(HTTP_ACCEPT_LANGUAGE="nb")
    client.force_login(user)
    return client


def fetched(client: Client, url: str) -> tuple[float, int, int]:
    """(seconds, bytes, queries) of one request, its streamed body read to the end."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        started = time.perf_counter()
        response = client.get(url, secure=True)
        body = response.getvalue()
        seconds = time.perf_counter() - started
    if response.status_code != 200:  # not an assert: python -O would time error pages
        raise SystemExit(f"{url} answered {response.status_code}")
    return seconds, len(body), len(queries)


def warm(client: Client, url: str, repeat: int = WARM) -> dict[str, Any]:
    fetched(client, url)  # templates, translations, the publication's cached document and names
    seconds, size, queries = fetched(client, url)
    times = [seconds] + [fetched(client, url)[0] for _ in range(repeat - 1)]
    return {
        "ms": round(statistics.median(times) * 1000, 1),
        "min_ms": round(min(times) * 1000, 1),
        "bytes": size,
        "queries": queries,
    }


def contact_edited(*, edition_id: int, participant_id: int, turn: int) -> float:
    """One of the participant's contacts with one answer changed, as an organiser corrects it after the final results:
    the seconds of the whole save, its rescoring at commit included (no broker: the task runs there)."""
    from audit.models import Source
    from award.models import Edition
    from bench.edition import answers_changed
    from channels_app.models import Contact, Question
    from channels_app.services import contact_answers, contact_record

    edition = Edition.objects.get(pk=edition_id)
    contact = (
        Contact.objects.counted()
        .filter(edition=edition, participant_id=participant_id, answered=True)
        .select_related("participant", "judge")
        .order_by("pk")[turn % 50]
    )
    stored = contact_answers(contact=contact)
    # Every question of its channel chosen (points or N/A), as a submitted contact has them.
    answers = {
        key: stored.get(key)
        for key in Question.objects.filter(edition=edition, channel=contact.channel).values_list("key", flat=True)
    }
    key = sorted(key for key, points in answers.items() if points is not None)[0]
    answers[key] = 0 if answers[key] else 1
    data = answers_changed(contact, answers)
    started = time.perf_counter()
    contact_record(edition=edition, data=data, ref=contact.ref, source=Source.COMMAND, reason="bench: a correction")
    return time.perf_counter() - started


def cold(client: Client, url: str, prepared: Prepared) -> dict[str, Any]:
    edits, firsts = [], []
    for turn in range(COLD):
        edits.append(contact_edited(edition_id=prepared.edition_id, participant_id=prepared.participant_id, turn=turn))
        seconds, size, queries = fetched(client, url)
        firsts.append(seconds)
    return {
        "ms": round(statistics.median(firsts) * 1000, 1),
        "max_ms": round(max(firsts) * 1000, 1),
        "bytes": size,
        "queries": queries,
        "edit_and_rescore_ms": round(statistics.median(edits) * 1000, 1),
    }


def csv_export(client: Client, url: str) -> dict[str, Any]:
    seconds, size, queries = fetched(client, url)
    tracemalloc.start()
    fetched(client, url)
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return {"ms": round(seconds * 1000, 1), "bytes": size, "queries": queries, "peak_python_mb": round(peak / 2**20, 1)}


def _timed_rescore(edition_id: int, note: Any) -> float:
    from scoring.points import points_backlog_note
    from scoring.services import edition_rescore

    if note is not False:  # False: nothing noted; None: the whole edition; a list: those participants
        points_backlog_note(edition_id=edition_id, participant_ids=note)
    started = time.perf_counter()
    edition_rescore(edition_id=edition_id, force=True)
    return time.perf_counter() - started


def _timed_refresh(edition_id: int, note: list[int] | None) -> float:
    from django.db import transaction

    from scoring.points import points_backlog_note, question_points_refresh

    with transaction.atomic():
        points_backlog_note(edition_id=edition_id, participant_ids=note)
        started = time.perf_counter()
        question_points_refresh(edition_id=edition_id)
        return time.perf_counter() - started


def rescoring(prepared: Prepared) -> dict[str, Any]:
    """A full rescoring (force) with nothing, one participant's and every participant's points to sum again; and the
    summing alone for one participant (what an edit leaves), ten (a burst of saves) and the whole edition."""
    from award.models import Participant

    edition_id = prepared.edition_id
    ten = list(Participant.objects.filter(edition_id=edition_id).order_by("pk").values_list("pk", flat=True)[:10])
    runs = {
        "rescore_without_points_ms": [_timed_rescore(edition_id, False) for _ in range(RESCORE)],
        "rescore_with_one_participants_points_ms": [
            _timed_rescore(edition_id, [prepared.participant_id]) for _ in range(RESCORE)
        ],
        "rescore_with_every_participants_points_ms": [_timed_rescore(edition_id, None) for _ in range(RESCORE)],
        "points_refresh_one_participant_ms": [_timed_refresh(edition_id, [prepared.participant_id]) for _ in range(RESCORE)],
        "points_refresh_ten_participants_ms": [_timed_refresh(edition_id, ten) for _ in range(RESCORE)],
        "points_refresh_whole_edition_ms": [_timed_refresh(edition_id, None) for _ in range(RESCORE)],
    }
    return {name: round(statistics.median(times) * 1000, 1) for name, times in runs.items()}


def area_sums(prepared: Prepared) -> dict[str, Any]:
    """The field's area sums as field_sums reads them now, and by the scan of every answer it ran before."""
    from django.db.models import Count, Sum

    from award.models import Edition
    from channels_app.models import Answer, Contact
    from scoring.averages import field_sums

    edition = Edition.objects.get(pk=prepared.edition_id)
    started = time.perf_counter()
    now = field_sums(edition=edition).areas
    kept = time.perf_counter() - started
    started = time.perf_counter()
    scanned = (
        Answer.objects.filter(
            contact__in=Contact.objects.counted().filter(edition_id=edition.pk), points__isnull=False, question__counts=True
        )
        .values("question__channel", "question__area")
        .annotate(given=Sum("points"), possible=Sum("max_points"), participants=Count("contact__participant_id", distinct=True))
        .order_by()
    )
    before = {
        (row["question__channel"], row["question__area"]): (int(row["given"]), int(row["possible"]), row["participants"])
        for row in scanned
    }
    scan = time.perf_counter() - started
    return {
        "field_sums_ms": round(kept * 1000, 1),
        "answer_scan_ms": round(scan * 1000, 1),
        "field_sums_equal_scan": now == before,
    }


def run(*, contacts: int = DEFAULT_CONTACTS, year: int = YEAR) -> dict[str, Any]:
    # A database of its own on the local PostgreSQL unless told (never the project's own): its final results are
    # published, which the other benchmarks' editions must not be.
    os.environ.setdefault("DATABASE_URL", postgres_url(DEFAULT_POSTGRES, f"bench_dashboard_{contacts}"))
    _environment()
    _database_ensured()
    setup()
    from django.conf import settings
    from django.core.cache import cache
    from django.db import connection
    from django.test.utils import override_settings

    started = time.perf_counter()
    prepared = prepare(contacts=contacts, year=year)
    prepared_seconds = time.perf_counter() - started
    client = reader_client(prepared.participant_id)
    pages = {
        "dashboard": f"/dashboard/{year}/{prepared.participant_id}/",
        "dashboard_last_page": f"/dashboard/{year}/{prepared.participant_id}/?page=99999",
        "api_contacts": f"/api/v1/company/participants/{prepared.participant_id}/contacts/",
        "api_dashboard": f"/api/v1/company/participants/{prepared.participant_id}/dashboard/",
        "report": f"/dashboard/{year}/{prepared.participant_id}/report/",
    }
    results: dict[str, Any] = {
        "database": connection.vendor,
        "contacts": prepared.contacts,
        "answers": prepared.answers,
        "own_contacts": prepared.own_contacts,
        "edition": prepared.built,
        "prepared_s": round(prepared_seconds, 1),
    }
    # The API's throttle counts requests a minute; a benchmark makes more than a person would. Static files by their
    # plain names: a production build has its manifest from collectstatic, which a benchmark does not run.
    storages = settings.STORAGES | {"staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
    with override_settings(REST_FRAMEWORK=_unthrottled(), STORAGES=storages):
        cache.clear()
        started = time.perf_counter()
        fetched(client, pages["dashboard"])
        results["dashboard_empty_cache_ms"] = round((time.perf_counter() - started) * 1000, 1)
        for name, url in pages.items():
            results[f"{name}_warm"] = warm(client, url)
        results["dashboard_cold"] = cold(client, pages["dashboard"], prepared)
        results["api_contacts_cold"] = cold(client, pages["api_contacts"], prepared)
        results["csv_export"] = csv_export(client, f"/dashboard/{year}/{prepared.participant_id}/contacts.csv")
    results.update(area_sums(prepared))
    results.update(rescoring(prepared))
    return results


def _unthrottled() -> dict[str, Any]:
    from django.conf import settings

    # The throttle named "token" (per API token) without a rate: no secret in it.
    return settings.REST_FRAMEWORK | {"DEFAULT_THROTTLE_RATES": {"token": None, "address": None}}  # nosec B105


def report(results: dict[str, Any], *, command: str) -> str:
    """The section "Dashboard" of bench/RESULTS.md, with the goals of issue 13 (under 200 ms warm, under 1 s cold)."""
    warm_ms, cold_ms = results["dashboard_warm"]["ms"], results["dashboard_cold"]["ms"]
    lines = [
        "## Dashboard",
        "",
        "`bench/bench_dashboard.py`: the company dashboard of one participant through Django's test client (DEBUG off,"
        " a local-memory cache, tasks at commit). Warm: the median of repeated requests; cold: the first request after"
        " one of the participant's answers was changed through `contact_record` (its rescoring at commit included in"
        " the edit's time, not the page's).",
        "",
        f"- date: {datetime.now().astimezone().isoformat(timespec='minutes')}",
        f"- command: `{command}`",
        *(f"- {key}: {value}" for key, value in machine([results["database"]], DEFAULT_POSTGRES).items()),
        f"- edition: {results['contacts']:,} contacts, {results['answers']:,} answers ({results['edition']}); the"
        f" reader's participant has {results['own_contacts']:,} contacts",
        "",
        "| address | ms | queries | KB |",
        "| --- | --- | --- | --- |",
    ]
    rows = [(name, "warm") for name in ("dashboard", "dashboard_last_page", "api_contacts", "api_dashboard", "report")]
    for name, state in [*rows, ("dashboard", "cold"), ("api_contacts", "cold")]:
        row = results[f"{name}_{state}"]
        lines.append(f"| {name.replace('_', ' ')}, {state} | {row['ms']} | {row['queries']} | {row['bytes'] / 1000:.0f} |")
    export = results["csv_export"]
    lines += [
        f"| contacts.csv, streamed | {export['ms']} | {export['queries']} | {export['bytes'] / 1000:.0f} |",
        "",
        f"An edit and its rescoring: {results['dashboard_cold']['edit_and_rescore_ms']} ms. The field's points per"
        f" area as the page reads them: {results['field_sums_ms']} ms, against {results['answer_scan_ms']} ms for the"
        f" scan of every answer (equal: {results['field_sums_equal_scan']}).",
        "",
        "Targets (issue 13):",
        "",
        f"- warm under 200 ms: {'met' if warm_ms < 200 else '**not met**'} ({warm_ms} ms)",
        f"- cold under 1 s: {'met' if cold_ms < 1000 else '**not met**'} ({cold_ms} ms)",
    ]
    return "\n".join(lines) + "\n"


def main(argv: Sequence[str] | None = None) -> None:
    argv = list(sys.argv[1:] if argv is None else argv)
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--contacts", type=int, default=DEFAULT_CONTACTS)
    parser.add_argument("--year", type=int, default=YEAR)
    parser.add_argument("--results", type=Path, default=RESULTS)
    arguments = parser.parse_args(argv)
    results = run(contacts=arguments.contacts, year=arguments.year)
    print(
        f"{results['database']}: {results['contacts']:,} contacts, {results['answers']:,} answers; "
        f"the reader's participant has {results['own_contacts']:,}; edition {results['edition']}"
    )
    for name, value in results.items():
        if isinstance(value, dict):
            print(f"  {name:<28} " + "  ".join(f"{key} {figure}" for key, figure in value.items()))
        elif name not in ("database", "contacts", "answers", "own_contacts", "edition"):
            print(f"  {name:<28} {value}")
    text = report(results, command=("python -m bench.bench_dashboard " + " ".join(argv)).strip())
    print(text)
    results_write(arguments.results, text, title="## Dashboard")


if __name__ == "__main__":
    main()
