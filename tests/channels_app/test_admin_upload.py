"""The admin's upload of a contacts.csv as an import job: kept, checked by a task, every bad row, all or nothing."""

from __future__ import annotations

import csv
import hashlib
import io
import logging
import re
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.contrib.staticfiles import finders
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

import channels_app.import_jobs
from audit.models import ChangeRecord
from award.models import Edition, Participant
from award.roles import ORGANISERS
from channels_app.admin_upload import MAX_UPLOAD_BYTES, upload_paths
from channels_app.bundle.format import Problem
from channels_app.import_jobs import CHECK_VALID_FOR, STALLED_AFTER
from channels_app.models import Answer, Contact, ImportJob, ImportJobState, JudgeConflict
from channels_app.tasks import check_import_job, fail_stalled_import_jobs, run_import_job
from tests.conftest import ClientAs
from tests.factories import UserFactory

UPLOAD = "/admin/channels_app/contact/upload/"


@pytest.fixture(autouse=True)
def media_root(settings: Any, tmp_path: Path) -> Path:
    """Uploaded files go to a folder of the test's own."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def sample_rows(samples: Path) -> list[list[str]]:
    return list(csv.reader((samples / "mini" / "contacts.csv").open(encoding="utf-8", newline="")))


def as_csv(rows: list[list[str]]) -> bytes:
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    return out.getvalue().encode("utf-8")


def set_cell(rows: list[list[str]], ref: str, column: str, value: str) -> None:
    row = next(row for row in rows if row[0] == ref)
    row[rows[0].index(column)] = value


def one_changed_one_new(samples: Path) -> bytes:
    """P001's greeting 4 -> 5 (score 80 -> 85); a new P999 (line 37) by a judge who has no account yet."""
    rows = sample_rows(samples)
    set_cell(rows, "P001", "phone.greeting", "5")
    new = list(next(row for row in rows if row[0] == "P004"))
    new[0], new[3] = "P999", "newjudge"
    rows.append(new)
    return as_csv(rows)


def job_url(job: ImportJob, step: str = "") -> str:
    names = {"": "job", "status": "status", "confirm": "confirm", "check": "recheck"}
    return reverse(f"admin:channels_app_contact_upload_{names[step]}", args=[job.pk])


def post_file(client: Client, edition: Edition, content: bytes, name: str = "contacts.csv", reason: str = "") -> Any:
    file = SimpleUploadedFile(name, content, "text/csv")
    return client.post(UPLOAD, {"edition": edition.pk, "file": file, "reason": reason, "check": "1"})


@pytest.fixture
def at_commit(django_capture_on_commit_callbacks: Any) -> Callable[[], Any]:
    """A block whose on-commit callbacks run at its end: the eager tasks, as they run at commit outside the tests."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


@pytest.fixture
def upload(at_commit: Callable[[], Any]) -> Callable[..., tuple[Any, ImportJob]]:
    """Post a file and let its check run: the response (a redirect to the job's page) and the job."""

    def send(client: Client, edition: Edition, content: bytes, **kwargs: Any) -> tuple[Any, ImportJob]:
        with at_commit():
            response = post_file(client, edition, content, **kwargs)
        assert response.status_code == 302, response.content.decode()[:2000]
        job = ImportJob.objects.get(pk=int(response["Location"].rstrip("/").rsplit("/", 1)[1]))
        assert response["Location"] == job_url(job)
        return response, job

    return send


@pytest.fixture
def confirm(at_commit: Callable[[], Any]) -> Callable[[Client, ImportJob], Any]:
    def send(client: Client, job: ImportJob) -> Any:
        with at_commit():
            return client.post(job_url(job, "confirm"))

    return send


def stored_state() -> dict[str, Any]:
    p001 = Contact.objects.get(ref="P001")
    return {
        "contacts": Contact.objects.count(),
        "answers": Answer.objects.count(),
        "changes": ChangeRecord.objects.count(),
        "data_version": Edition.objects.get(year=2021).data_version,
        "p001": (str(p001.score), dict(p001.answers.values_list("question__key", "points")), p001.updated_at),
        "judges": sorted(Group.objects.get(name="Judges").user_set.values_list("username", flat=True)),
    }


def fresh(job: ImportJob) -> ImportJob:
    return ImportJob.objects.get(pk=job.pk)


def other_organiser() -> Any:
    user = UserFactory.create(username="other_organiser", is_staff=True)
    user.groups.add(Group.objects.get(name=ORGANISERS))
    return user


# Who may upload, see and confirm -----------------------------------------------------------


@pytest.mark.parametrize("method", ["get", "post"])
def test_only_organisers_reach_the_upload_page(
    mini: Edition,
    organiser: Any,
    judge: Any,
    company_user: Any,
    superuser: Any,
    samples: Path,
    method: str,
    client_as: ClientAs,
    at_commit: Callable[[], Any],
) -> None:
    before = stored_state()

    def send(client: Client) -> Any:
        if method == "get":
            return client.get(UPLOAD)
        with at_commit():
            return post_file(client, mini, one_changed_one_new(samples))

    ok = 200 if method == "get" else 302
    assert send(client_as("organiser")).status_code == ok
    assert send(client_as("superuser")).status_code == ok
    assert send(client_as("judge")).status_code == 403
    for client in (client_as("company_user"), client_as("anonymous")):
        response = send(client)
        assert response.status_code == 302
        assert response["Location"] == f"/admin/login/?next={UPLOAD}"
    assert stored_state() == before
    expected = ["root", "organiser"] if method == "post" else []
    assert list(ImportJob.objects.values_list("uploaded_by_name", flat=True)) == expected


def test_a_jobs_pages_are_for_organisers_only(
    mini: Edition,
    organiser: Any,
    judge: Any,
    company_user: Any,
    samples: Path,
    client_as: ClientAs,
    upload: Any,
    at_commit: Callable[[], Any],
) -> None:
    _response, job = upload(client_as("organiser"), mini, one_changed_one_new(samples))
    before = stored_state()

    for step in ("", "status"):
        assert client_as("judge").get(job_url(job, step)).status_code == 403
    for step in ("confirm", "check"):
        with at_commit():
            assert client_as("judge").post(job_url(job, step)).status_code == 403
    for persona in ("company_user", "anonymous"):
        for step in ("", "status", "confirm", "check"):
            send = client_as(persona).post if step in ("confirm", "check") else client_as(persona).get
            response = send(job_url(job, step))
            assert response.status_code == 302
            assert response["Location"] == f"/admin/login/?next={job_url(job, step)}"
    # An organiser asking for a job that does not exist: 404, whichever page.
    missing = ImportJob(pk=job.pk + 1000)
    for step in ("", "status"):
        assert client_as("organiser").get(job_url(missing, step)).status_code == 404
    assert client_as("organiser").post(job_url(missing, "confirm")).status_code == 404
    assert fresh(job).state == ImportJobState.CHECKED
    assert stored_state() == before


def test_the_steps_are_posts_only(mini: Edition, organiser: Any, samples: Path, client_as: ClientAs, upload: Any) -> None:
    _response, job = upload(client_as("organiser"), mini, one_changed_one_new(samples))

    assert client_as("organiser").get(job_url(job, "confirm")).status_code == 405
    assert client_as("organiser").get(job_url(job, "check")).status_code == 405
    assert fresh(job).state == ImportJobState.CHECKED


def test_a_judge_cannot_confirm_an_organisers_check(
    mini: Edition, organiser: Any, judge: Any, samples: Path, client_as: ClientAs, upload: Any, confirm: Any
) -> None:
    _response, job = upload(client_as("organiser"), mini, one_changed_one_new(samples))

    assert confirm(client_as("judge"), job).status_code == 403
    assert Contact.objects.count() == 35
    assert fresh(job).state == ImportJobState.CHECKED


def test_every_post_needs_the_csrf_token(
    mini: Edition, organiser: Any, samples: Path, client_as: ClientAs, upload: Any, at_commit: Callable[[], Any]
) -> None:
    _response, job = upload(client_as("organiser"), mini, one_changed_one_new(samples))
    client = client_as("organiser", enforce_csrf_checks=True)

    with at_commit():
        assert post_file(client, mini, one_changed_one_new(samples)).status_code == 403
        assert client.post(job_url(job, "confirm")).status_code == 403
        assert client.post(job_url(job, "check")).status_code == 403
    assert ImportJob.objects.count() == 1
    assert fresh(job).state == ImportJobState.CHECKED
    assert Contact.objects.count() == 35


def test_only_the_uploader_confirms_though_every_organiser_sees_the_job(
    mini: Edition, organiser: Any, samples: Path, client_as: ClientAs, upload: Any, confirm: Any
) -> None:
    _response, job = upload(client_as("organiser"), mini, one_changed_one_new(samples))
    other = client_as(other_organiser())
    before = stored_state()

    page = other.get(job_url(job))
    assert page.status_code == 200
    assert "1 new contact, 1 changed contact, 34 unchanged contacts" in page.content.decode()
    assert 'name="confirm"' not in page.content.decode()
    assert "Only organiser, who uploaded this file, can confirm the import." in page.content.decode()
    assert other.get(UPLOAD).context["jobs"][0][0] == job

    response = confirm(other, job)

    assert response.status_code == 403
    assert "Only organiser, who uploaded this file, can confirm it or check it again." in response.content.decode()
    assert stored_state() == before
    assert fresh(job).state == ImportJobState.CHECKED
    # The check still stands for the one who made it.
    assert confirm(client_as("organiser"), job).status_code == 302
    assert fresh(job).state == ImportJobState.DONE


# The upload and the check ---------------------------------------------------------------------


def test_the_form_offers_every_edition_newest_first(mini: Edition, organiser: Any, client_as: ClientAs) -> None:
    Edition.objects.create(year=2019, name="Customer Service Award 2019", starts_on="2019-01-15", ends_on="2019-04-12")
    response = client_as("organiser").get(UPLOAD)

    form = response.context["form"]
    assert [edition.year for edition in form.fields["edition"].queryset] == [2021, 2019]
    assert form.initial["edition"] == mini
    page = response.content.decode()
    assert "<title>Upload contacts" in page
    assert "No file has been uploaded yet." in page


def test_the_file_is_kept_in_media_root_not_in_the_cache(
    mini: Edition,
    organiser: Any,
    samples: Path,
    client_as: ClientAs,
    media_root: Path,
    django_capture_on_commit_callbacks: Any,
    settings: Any,
) -> None:
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "upload-tests"}}
    content = one_changed_one_new(samples)

    with django_capture_on_commit_callbacks() as callbacks:  # the check waits for the commit: not run here
        response = post_file(client_as("organiser"), mini, content, name="../../januar.csv", reason="Late entries")

    job = ImportJob.objects.get()
    assert response["Location"] == job_url(job)
    assert len(callbacks) == 1
    assert (job.state, job.name, job.size, job.sha256) == (
        ImportJobState.UPLOADED,
        "januar.csv",  # the upload's own name, without its folders
        len(content),
        hashlib.sha256(content).hexdigest(),
    )
    assert (job.edition, job.uploaded_by, job.uploaded_by_name, job.reason) == (mini, organiser, "organiser", "Late entries")
    # Stored under a random name of its own below MEDIA_ROOT/imports/.
    stored = Path(job.file.path)
    assert stored.is_relative_to(media_root / "imports")
    assert re.fullmatch(r"imports/\d{4}/\d{2}/[0-9a-f]{32}\.csv", job.file.name)
    assert stored.read_bytes() == content
    # Nothing of the file in the cache (local memory: its values are pickles of what was set).
    assert not any(b"P999" in value for value in cache._cache.values())  # type: ignore[attr-defined]


def test_the_check_counts_exactly_lists_what_changes_and_writes_nothing(
    mini: Edition, organiser: Any, samples: Path, django_capture_on_commit_callbacks: Any, client_as: ClientAs
) -> None:
    before = stored_state()
    assert before["p001"][:2] == ("80.0000", {"wait": 5, "greeting": 4, "solution": 7, "feeling": 5})
    client = client_as("organiser")

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = post_file(client, mini, one_changed_one_new(samples))

    job = ImportJob.objects.get()
    assert (job.state, job.counts) == (ImportJobState.CHECKED, {"new": 1, "changed": 1, "unchanged": 34, "judges": 1})
    assert job.checked_at is not None
    # Nothing written, not even the new judge's account, and no rescoring waits for a commit: the check was the one task.
    assert stored_state() == before
    assert not get_user_model().objects.filter(username="newjudge").exists()
    assert len(callbacks) == 1

    page = client.get(response["Location"])
    assert page.context["summary_counts"] == {"new": 1, "changed": 1, "unchanged": 34}
    html = page.content.decode()
    assert "1 new contact, 1 changed contact, 34 unchanged contacts" in html
    assert re.search(r'<input type="submit" name="confirm"[^>]*value="Import 2 contacts"', html)
    assert "<tr><td>37</td><td>P999</td></tr>" in html
    assert page.context["changed_contacts"][0].line == 2
    assert page.context["changed_contacts"][0].ref == "P001"
    changes = html[html.index('id="import-job-changed"') :]
    assert "<li>Points for question greeting: 4 → 5</li>" in changes
    assert "<li>Score: 80.0 → 85.0</li>" in changes
    # The judge account the import would create is named, apart, with a warning.
    warning = re.search(r'<ul class="messagelist" id="import-job-new-judges">\s*<li class="warning">(.*?)</li>', html, re.S)
    assert warning is not None
    assert "1 judge account would be created: newjudge." in warning.group(1)
    assert "A mistyped username makes a new judge" in warning.group(1)
    assert "problems" not in page.context
    # SHA-256, size and who, as the file's card shows them.
    assert job.sha256 in html
    assert "<td>organiser, " in html


def test_the_command_dry_run_gives_the_same_true_counts(mini: Edition, samples: Path, tmp_path: Path) -> None:
    file = tmp_path / "contacts.csv"
    file.write_bytes(one_changed_one_new(samples))
    before = stored_state()
    out = io.StringIO()

    call_command("import_contacts", "2021", str(file), "--dry-run", stdout=out)

    # The command's own wording is its business (channels_app/management); the counts are the same true ones.
    lines = out.getvalue().splitlines()
    assert lines[0].startswith("Dry run")
    assert "Contacts: 1 new, 1 changed, 34 unchanged." in lines
    assert "1 new judge account: newjudge." in lines
    assert stored_state() == before


def test_a_long_report_lists_the_first_200_new_contacts_and_counts_the_rest(
    mini: Edition, organiser: Any, samples: Path, client_as: ClientAs, upload: Any
) -> None:
    rows = sample_rows(samples)
    template = next(row for row in rows if row[0] == "P004")
    for n in range(205):
        row = list(template)
        row[0] = f"N{n:04d}"
        rows.append(row)
    client = client_as("organiser")

    response, job = upload(client, mini, as_csv(rows))

    assert job.counts == {"new": 205, "changed": 0, "unchanged": 35, "judges": 0}
    page = client.get(response["Location"])
    assert len(page.context["new_contacts"]) == 200
    html = page.content.decode()
    assert "<h3>205 new contacts</h3>" in html
    assert "<tr><td>236</td><td>N0199</td></tr>" in html
    assert "N0200" not in html
    assert "… and 5 more new contacts, not listed" in html
    assert re.search(r'<input type="submit" name="confirm"[^>]*value="Import 205 contacts"', html)
    assert "would be created" not in html  # every judge of the file has an account


def test_a_file_that_changes_nothing_offers_nothing_to_import(
    mini: Edition, organiser: Any, samples: Path, client_as: ClientAs, upload: Any, confirm: Any
) -> None:
    client = client_as("organiser")
    response, job = upload(client, mini, (samples / "mini" / "contacts.csv").read_bytes())

    assert job.counts == {"new": 0, "changed": 0, "unchanged": 35, "judges": 0}
    page = client.get(response["Location"])
    html = page.content.decode()
    assert "Nothing to import: every contact in the file matches what is stored." in html
    assert 'name="confirm"' not in html
    response = confirm(client, job)
    assert response.status_code == 409
    assert "Nothing to import: every contact in the file matches what is stored." in response.content.decode()
    assert fresh(job).state == ImportJobState.CHECKED


def test_every_bad_row_is_listed_and_nothing_can_be_confirmed(
    mini: Edition, organiser: Any, samples: Path, client_as: ClientAs, upload: Any, confirm: Any
) -> None:
    rows = sample_rows(samples)
    set_cell(rows, "P001", "phone.wait", "7")  # line 2
    set_cell(rows, "P002", "voided", "maybe")  # line 3
    set_cell(rows, "P200", "participant", "Nobody AS")  # line 12
    before = stored_state()
    client = client_as("organiser")

    response, job = upload(client, mini, as_csv(rows))

    assert job.state == ImportJobState.REFUSED
    assert job.counts == {"bad_rows": 3, "problems": 3, "omitted": 0}
    page = client.get(response["Location"])
    assert page.status_code == 200
    assert page.context["problems"] == [
        Problem(2, "phone.wait", "7 is out of range 0 to 5"),
        Problem(3, "voided", "“maybe” must be true or false"),
        Problem(12, "participant", "no participant named “Nobody AS” in 2021"),
    ]
    html = page.content.decode()
    assert "3 bad rows, 3 problems: nothing can be imported until the file is corrected." in html
    for line, column, reason in [
        (2, "phone.wait", "7 is out of range 0 to 5"),
        (3, "voided", "“maybe” must be true or false"),  # typographic quotes: nothing for HTML to escape
        (12, "participant", "no participant named “Nobody AS” in 2021"),
    ]:
        assert f"<tr><td>{line}</td><td>{column}</td><td>{reason}</td></tr>" in html
    assert 'name="confirm"' not in html
    assert confirm(client, job).status_code == 409
    assert fresh(job).state == ImportJobState.REFUSED
    assert stored_state() == before


def test_bad_rows_are_counted_as_rows_not_as_problems(
    mini: Edition, organiser: Any, samples: Path, client_as: ClientAs, upload: Any
) -> None:
    rows = sample_rows(samples)
    set_cell(rows, "P001", "phone.wait", "7")  # line 2: two problems
    set_cell(rows, "P001", "voided", "maybe")
    set_cell(rows, "P002", "answered", "perhaps")  # line 3: one
    rows[4] = rows[4][:5]  # line 5 (P004): too few cells, a problem of the whole row
    client = client_as("organiser")

    response, _job = upload(client, mini, as_csv(rows))

    page = client.get(response["Location"])
    problems = page.context["problems"]
    assert [(p.line, p.column) for p in problems] == [(2, "voided"), (2, "phone.wait"), (3, "answered"), (5, "(whole row)")]
    html = page.content.decode()
    assert "3 bad rows, 4 problems: nothing can be imported until the file is corrected." in html
    assert "<tr><td>5</td><td>(whole row)</td><td>has 5 cells, the header has" in html
    assert client.get(UPLOAD).context["jobs"][0][1] == "3 bad rows, 4 problems"


def test_a_bad_header_is_listed_at_line_1(mini: Edition, organiser: Any, samples: Path, client_as: ClientAs, upload: Any) -> None:
    rows = sample_rows(samples)
    rows[0][rows[0].index("comment")] = "remark"
    client = client_as("organiser")

    response, _job = upload(client, mini, as_csv(rows))

    page = client.get(response["Location"])
    assert page.context["problems"] == [
        Problem(1, "comment", "missing column"),
        Problem(1, "remark", "unknown column"),
    ]
    assert "2 problems: nothing can be imported until the file is corrected." in page.content.decode()


def test_problems_beyond_the_first_thousand_are_counted(
    mini: Edition, organiser: Any, samples: Path, client_as: ClientAs, upload: Any
) -> None:
    rows = sample_rows(samples)
    template = next(row for row in rows if row[0] == "P001")
    for n in range(1005):
        row = list(template)
        row[0], row[rows[0].index("voided")] = f"X{n:04d}", "maybe"
        rows.append(row)
    client = client_as("organiser")

    response, job = upload(client, mini, as_csv(rows))

    assert job.counts == {"bad_rows": 1000, "problems": 1005, "omitted": 5}
    html = client.get(response["Location"]).content.decode()
    assert "1000 bad rows, 1005 problems: nothing can be imported until the file is corrected." in html
    assert "… and 5 more problems, not listed" in html


def test_a_file_that_is_not_utf8_is_refused_with_its_line(
    mini: Edition, organiser: Any, samples: Path, client_as: ClientAs
) -> None:
    content = (samples / "mini" / "contacts.csv").read_text(encoding="utf-8").encode("latin-1")

    response = post_file(client_as("organiser"), mini, content)

    assert response.status_code == 200
    line = next(n for n, text in enumerate(content.split(b"\n"), start=1) if "Ø".encode("latin-1") in text)
    assert response.context["form"].errors == {
        "file": [f"The file is not UTF-8 text (line {line}). Save it from your spreadsheet as “CSV UTF-8” and upload it again."]
    }
    assert not ImportJob.objects.exists()
    assert Contact.objects.count() == 35


def test_a_file_over_10_mb_is_refused(mini: Edition, organiser: Any, samples: Path, client_as: ClientAs) -> None:
    content = (samples / "mini" / "contacts.csv").read_bytes()
    content += b"\n" * (MAX_UPLOAD_BYTES + 1 - len(content))

    response = post_file(client_as("organiser"), mini, content)

    assert response.context["form"].errors == {
        "file": ["The file is larger than 10.0\xa0MB, the most that can be uploaded: split it into several files."]
    }
    assert not ImportJob.objects.exists()


def test_an_empty_file_is_refused(mini: Edition, organiser: Any, client_as: ClientAs) -> None:
    response = post_file(client_as("organiser"), mini, b"")

    assert response.context["form"].errors == {"file": ["The submitted file is empty."]}
    assert not ImportJob.objects.exists()


# The confirmation and the import --------------------------------------------------------------


def test_upload_check_status_confirm_done_with_the_organiser_in_the_history(
    mini: Edition, organiser: Any, samples: Path, client_as: ClientAs, upload: Any, confirm: Any
) -> None:
    client = client_as("organiser")
    response, job = upload(client, mini, one_changed_one_new(samples), reason="Corrected greeting")
    assert "1 judge account would be created: newjudge." in client.get(response["Location"]).content.decode()
    status = client.get(job_url(job, "status")).json()
    assert status == {
        "state": "checked",
        "state_label": "Checked",
        "running": False,
        "bytes_done": job.size,
        "bytes_total": job.size,
        "percent": 100,
        "progress_text": "100%",
    }
    version = Edition.objects.get(year=2021).data_version
    last_change = ChangeRecord.objects.order_by("pk").values_list("pk", flat=True).last()

    response = confirm(client, job)

    assert response.status_code == 302
    assert response["Location"] == job_url(job)
    job = fresh(job)
    assert job.state == ImportJobState.DONE
    assert job.counts == {"new": 1, "changed": 1, "unchanged": 34, "judges": 1}
    assert client.get(job_url(job, "status")).json()["state"] == "done"
    html = client.get(job_url(job)).content.decode()
    assert "Imported: 1 new contact, 1 changed contact, 34 unchanged contacts." in html
    assert "1 judge account was created: newjudge." in html
    assert f'<a href="/admin/channels_app/contact/?edition__id__exact={mini.pk}">' in html
    assert Contact.objects.count() == 36
    p001 = Contact.objects.get(ref="P001")
    assert str(p001.score) == "85.0000"
    assert dict(p001.answers.values_list("question__key", "points")) == {"wait": 5, "greeting": 5, "solution": 7, "feeling": 5}
    assert Contact.objects.get(ref="P999").judge.username == "newjudge"
    assert Edition.objects.get(year=2021).data_version == version + 1  # one step for the whole import
    records = ChangeRecord.objects.filter(pk__gt=last_change, content_type__model="contact").order_by("action")
    assert [(r.object_id, r.action, r.source, r.user, r.note) for r in records] == [
        (Contact.objects.get(ref="P999").pk, "create", "admin", organiser, "Corrected greeting"),
        (p001.pk, "update", "admin", organiser, "Corrected greeting"),
    ]
    assert records[1].changes == {"phone.greeting": [4, 5], "score": ["80.0000", "85.0000"]}
    # The list under the form says how it ended.
    jobs = client.get(UPLOAD).context["jobs"]
    assert [(j.name, j.state, result) for j, result in jobs] == [
        ("contacts.csv", "done", "1 new contact, 1 changed contact, 34 unchanged contacts")
    ]


def test_a_done_job_cannot_be_confirmed_again(
    mini: Edition, organiser: Any, samples: Path, client_as: ClientAs, upload: Any, confirm: Any
) -> None:
    client = client_as("organiser")
    _response, job = upload(client, mini, one_changed_one_new(samples))
    assert confirm(client, job).status_code == 302
    before = stored_state()

    response = confirm(client, job)

    assert response.status_code == 409
    assert "This file cannot be imported now: it is “Imported”." in response.content.decode()
    assert stored_state() == before
    assert fresh(job).state == ImportJobState.DONE


def test_a_confirmed_job_is_imported_once(
    mini: Edition, organiser: Any, samples: Path, client_as: ClientAs, upload: Any, django_capture_on_commit_callbacks: Any
) -> None:
    client = client_as("organiser")
    _response, job = upload(client, mini, one_changed_one_new(samples))

    with django_capture_on_commit_callbacks() as callbacks:  # the import waits for the commit: two confirmations first
        first = client.post(job_url(job, "confirm"))
        second = client.post(job_url(job, "confirm"))

    assert (first.status_code, second.status_code) == (302, 409)
    assert "This file cannot be imported now: it is “Waiting to be imported”." in second.content.decode()
    assert len(callbacks) == 1
    assert fresh(job).state == ImportJobState.CONFIRMED
    # A task run twice, or late, finds the job moved on and does nothing.
    with django_capture_on_commit_callbacks(execute=True):
        assert run_import_job(job.pk) == ImportJobState.DONE
    before = stored_state()
    assert run_import_job(job.pk) is None
    assert check_import_job(job.pk) is None
    assert stored_state() == before
    assert fresh(job).state == ImportJobState.DONE


def test_rows_that_went_bad_since_the_check_are_listed_and_nothing_is_written(
    mini: Edition, organiser: Any, samples: Path, client_as: ClientAs, upload: Any, confirm: Any
) -> None:
    client = client_as("organiser")
    _response, job = upload(client, mini, one_changed_one_new(samples))
    # Since the check, judge2 declared a conflict of interest with Tussa: their three Tussa rows are now bad.
    JudgeConflict.objects.create(judge=Contact.objects.get(ref="P200").judge, participant=Participant.objects.get(name="Tussa"))
    before = stored_state()

    assert confirm(client, job).status_code == 302

    assert fresh(job).state == ImportJobState.FAILED
    page = client.get(job_url(job))
    html = page.content.decode()
    assert "Nothing was imported: since the check, the data changed and these rows are no longer good." in html
    reason = "judge2 has declared a conflict of interest with Tussa"
    assert page.context["problems"] == [Problem(line, "judge", reason) for line in (12, 14, 15)]
    assert "3 bad rows, 3 problems" in html
    assert 'name="confirm"' not in html
    assert 'name="recheck"' in html
    assert stored_state() == before


def test_a_check_expires_after_an_hour_and_can_be_done_again(
    mini: Edition, organiser: Any, samples: Path, client_as: ClientAs, upload: Any, confirm: Any, at_commit: Callable[[], Any]
) -> None:
    client = client_as("organiser")
    _response, job = upload(client, mini, one_changed_one_new(samples))
    ImportJob.objects.filter(pk=job.pk).update(checked_at=timezone.now() - CHECK_VALID_FOR - timedelta(seconds=1))
    before = stored_state()

    html = client.get(job_url(job)).content.decode()
    assert "This check is more than an hour old: check the file again before importing it." in html
    assert 'name="confirm"' not in html
    response = confirm(client, job)
    assert response.status_code == 409
    assert "This check is more than an hour old" in response.content.decode()
    assert stored_state() == before

    with at_commit():
        assert client.post(job_url(job, "check")).status_code == 302

    assert fresh(job).state == ImportJobState.CHECKED
    assert confirm(client, job).status_code == 302
    assert fresh(job).state == ImportJobState.DONE
    assert Contact.objects.count() == 36


# Failures and progress ---------------------------------------------------------------------


def test_a_check_that_raises_leaves_the_job_failed(
    mini: Edition,
    organiser: Any,
    samples: Path,
    client_as: ClientAs,
    upload: Any,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    def broken(**kwargs: Any) -> Any:
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(channels_app.import_jobs, "import_contacts_stream", broken)
    client = client_as("organiser")

    with caplog.at_level(logging.ERROR, logger="channels_app.import_jobs"):
        response, job = upload(client, mini, one_changed_one_new(samples))

    assert (job.state, job.message) == (ImportJobState.FAILED, "RuntimeError: disk on fire")
    assert f"import job {job.pk} failed" in caplog.text
    assert "RuntimeError: disk on fire" in caplog.text  # with its traceback
    html = client.get(response["Location"]).content.decode()
    assert "The check stopped on an unexpected error." in html
    assert "<code>RuntimeError: disk on fire</code>" in html
    assert client.get(job_url(job, "status")).json()["running"] is False


def test_an_import_that_raises_leaves_the_job_failed_and_writes_nothing(
    mini: Edition,
    organiser: Any,
    samples: Path,
    client_as: ClientAs,
    upload: Any,
    confirm: Any,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    client = client_as("organiser")
    _response, job = upload(client, mini, one_changed_one_new(samples))
    real = channels_app.import_jobs.import_contacts_stream

    def breaks_after_writing(**kwargs: Any) -> Any:
        real(**kwargs)
        raise RuntimeError("lost the connection")

    monkeypatch.setattr(channels_app.import_jobs, "import_contacts_stream", breaks_after_writing)
    before = stored_state()

    assert confirm(client, job).status_code == 302

    job = fresh(job)
    assert (job.state, job.message) == (ImportJobState.FAILED, "RuntimeError: lost the connection")
    assert stored_state() == before  # the import's writes rolled back with it
    assert not get_user_model().objects.filter(username="newjudge").exists()
    html = client.get(job_url(job)).content.decode()
    assert "Nothing was imported: the import stopped on an unexpected error." in html


def test_progress_from_the_importer_reaches_the_status_endpoint(
    mini: Edition,
    organiser: Any,
    samples: Path,
    client_as: ClientAs,
    upload: Any,
    confirm: Any,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    client = client_as("organiser")
    real = channels_app.import_jobs.import_contacts_stream
    seen: list[dict[str, Any]] = []

    def reporting(**kwargs: Any) -> Any:
        kwargs["progress"](1000, 4000)  # as after a batch of rows; then the page asks, as import_job.js does
        seen.append(client.get(job_url(ImportJob.objects.get(), "status")).json())
        return real(**kwargs)

    monkeypatch.setattr(channels_app.import_jobs, "import_contacts_stream", reporting)

    _response, job = upload(client, mini, one_changed_one_new(samples))
    confirm(client, job)

    checking, importing = seen
    assert (checking["state"], checking["bytes_done"], checking["bytes_total"], checking["percent"]) == (
        "checking",
        1000,
        4000,
        25,
    )
    assert (importing["state"], importing["bytes_done"], importing["percent"], importing["running"]) == (
        "importing",
        1000,
        25,
        True,
    )
    assert importing["progress_text"] == "25%"
    done = client.get(job_url(job, "status")).json()
    assert (done["state"], done["percent"], done["running"]) == ("done", 100, False)


def test_a_cache_that_is_down_costs_only_the_progress(
    mini: Edition,
    organiser: Any,
    samples: Path,
    client_as: ClientAs,
    upload: Any,
    confirm: Any,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def down(*args: Any, **kwargs: Any) -> Any:
        raise ConnectionError("cache down")

    for method in ("get", "set", "delete"):
        monkeypatch.setattr(cache, method, down)
    client = client_as("organiser")

    _response, job = upload(client, mini, one_changed_one_new(samples))
    confirm(client, job)

    assert fresh(job).state == ImportJobState.DONE
    assert Contact.objects.count() == 36
    ImportJob.objects.filter(pk=job.pk).update(state=ImportJobState.IMPORTING, bytes_done=0)
    assert client.get(job_url(job, "status")).json()["bytes_done"] == 0  # the row's, when the cache cannot say


def test_a_waiting_job_shows_its_progress_bar_polled_by_a_script_of_the_site(
    mini: Edition, organiser: Any, samples: Path, client_as: ClientAs, django_capture_on_commit_callbacks: Any
) -> None:
    client = client_as("organiser")
    with django_capture_on_commit_callbacks():  # never run: the job waits for its check
        response = post_file(client, mini, one_changed_one_new(samples))

    html = client.get(response["Location"]).content.decode()
    job = ImportJob.objects.get()
    assert re.search(r'<progress id="import-job-progress" max="\d+" value="0">0%</progress>', html)
    assert f'data-status-url="{job_url(job, "status")}" data-state="uploaded"' in html
    assert '<script src="/static/channels_app/import_job.js" defer></script>' in html
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html), "an inline script"
    assert finders.find("channels_app/import_job.js") is not None
    status = client.get(job_url(job, "status")).json()
    assert (status["state"], status["running"], status["percent"]) == ("uploaded", True, 0)


def test_a_stalled_job_is_given_up_by_the_repair(mini: Edition, organiser: Any, samples: Path, client_as: ClientAs) -> None:
    long_ago = timezone.now() - STALLED_AFTER - timedelta(minutes=1)

    def job(state: str, **fields: Any) -> ImportJob:
        made = ImportJob.objects.create(
            name=f"{state}.csv", size=1, sha256="0" * 64, edition=mini, uploaded_by=organiser, state=state
        )
        ImportJob.objects.filter(pk=made.pk).update(**fields)
        return made

    stalled = [
        job(ImportJobState.CHECKING, started_at=long_ago),
        job(ImportJobState.IMPORTING, started_at=long_ago),
        job(ImportJobState.UPLOADED, updated_at=long_ago),
    ]
    running = job(ImportJobState.IMPORTING, started_at=timezone.now())
    finished = job(ImportJobState.DONE, started_at=long_ago, updated_at=long_ago)

    assert sorted(fail_stalled_import_jobs()) == [stalled_job.pk for stalled_job in stalled]

    assert [fresh(j).state for j in stalled] == [ImportJobState.FAILED] * 3
    assert fresh(stalled[0]).message == "Stopped without finishing: no worker took the job, or finished it, within an hour."
    assert (fresh(running).state, fresh(finished).state) == (ImportJobState.IMPORTING, ImportJobState.DONE)


# The pages' language, the list, the routes ------------------------------------------------------


@pytest.mark.parametrize(("language", "home"), [("nb", "Hjem"), ("en", "Home")])
def test_the_job_page_speaks_the_readers_language(
    mini: Edition, organiser: Any, samples: Path, client_as: ClientAs, upload: Any, language: str, home: str
) -> None:
    _response, job = upload(client_as("organiser"), mini, one_changed_one_new(samples))
    client = client_as("organiser", HTTP_ACCEPT_LANGUAGE=language)

    response = client.get(job_url(job))

    assert response.status_code == 200
    html = response.content.decode()
    assert f'<html lang="{language}"' in html
    assert f">{home}</a>" in html
    assert "P999" in html
    assert client.get(job_url(job, "status")).json()["state"] == "checked"


def test_the_upload_page_lists_every_organisers_jobs_in_few_queries(
    mini: Edition,
    organiser: Any,
    samples: Path,
    client_as: ClientAs,
    upload: Any,
    django_assert_max_num_queries: Any,
) -> None:
    other = other_organiser()
    upload(client_as("organiser"), mini, one_changed_one_new(samples), name="first.csv")
    rows = sample_rows(samples)
    set_cell(rows, "P001", "phone.wait", "7")
    upload(client_as(other), mini, as_csv(rows), name="second.csv")
    for n in range(3):
        upload(client_as(other), mini, (samples / "mini" / "contacts.csv").read_bytes(), name=f"same-{n}.csv")
    client = client_as("organiser")

    with django_assert_max_num_queries(12):
        response = client.get(UPLOAD)

    jobs = [(job.name, job.edition.year, job.uploaded_by_name, job.state, result) for job, result in response.context["jobs"]]
    assert jobs[3:] == [
        ("second.csv", 2021, "other_organiser", "refused", "1 bad row, 1 problem"),
        ("first.csv", 2021, "organiser", "checked", "1 new contact, 1 changed contact, 34 unchanged contacts"),
    ]
    assert [name for name, *_ in jobs[:3]] == ["same-2.csv", "same-1.csv", "same-0.csv"]
    html = response.content.decode()
    first = ImportJob.objects.get(name="first.csv")
    assert f'<a href="{job_url(first)}">first.csv</a>' in html


def test_upload_paths_route_the_pages_under_the_contacts(organiser: Any) -> None:
    routes = upload_paths(admin.site._registry[Contact])

    assert [(str(route.pattern), route.name) for route in routes] == [
        ("upload/", "channels_app_contact_upload"),
        ("upload/<int:job_id>/", "channels_app_contact_upload_job"),
        ("upload/<int:job_id>/status/", "channels_app_contact_upload_status"),
        ("upload/<int:job_id>/confirm/", "channels_app_contact_upload_confirm"),
        ("upload/<int:job_id>/check/", "channels_app_contact_upload_recheck"),
    ]
    assert reverse("admin:channels_app_contact_upload") == UPLOAD


def test_a_worker_writes_the_report_in_the_uploaders_language(mini: Edition, organiser: Any, samples: Path) -> None:
    from channels_app.import_jobs import import_job_check, import_job_create

    rows = sample_rows(samples)
    set_cell(rows, "P002", "voided", "maybe")
    with translation.override("en"):  # the organiser's admin, in English
        job = import_job_create(edition=mini, user=organiser, name="contacts.csv", content=as_csv(rows))

    with translation.override("nb"):  # a worker runs in LANGUAGE_CODE's language
        assert import_job_check(job_id=job.pk) == "refused"

    checked = fresh(job)
    assert checked.language == "en"
    assert checked.check_report is not None
    assert checked.check_report["problems"]["contacts.csv"] == [[3, "voided", "“maybe” must be true or false"]]
