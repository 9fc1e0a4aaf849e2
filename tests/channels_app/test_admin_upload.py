"""Uploading a contacts.csv in the admin: an exact dry run, every bad row, then all or nothing on confirmation."""

from __future__ import annotations

import csv
import io
import re
import time
from functools import partial
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.cache.backends import locmem
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import Client
from django.urls import path

import config.urls
from audit.models import ChangeRecord
from award.models import Edition, Participant
from award.roles import ORGANISERS
from channels_app.admin_upload import MAX_UPLOAD_BYTES, UPLOAD_TIMEOUT, upload_path, upload_view
from channels_app.bundle.format import Problem
from channels_app.models import Answer, Contact, JudgeConflict
from tests.conftest import ClientAs
from tests.factories import UserFactory

UPLOAD = "/admin/channels_app/contact/upload/"


def _routed_by_contact_admin() -> bool:
    return any(getattr(url, "name", "") == "channels_app_contact_upload" for url in admin.site._registry[Contact].get_urls())


if not _routed_by_contact_admin():
    # Until ContactAdmin.get_urls adds upload_path(self), route the page here the same way.
    contact_admin = admin.site._registry[Contact]
    urlpatterns = [
        path(
            UPLOAD.removeprefix("/"),
            admin.site.admin_view(partial(upload_view, model_admin=contact_admin)),
            name="channels_app_contact_upload",
        ),
        *config.urls.urlpatterns,
    ]
    pytestmark = pytest.mark.urls(__name__)


@pytest.fixture(autouse=True)
def local_cache(settings: Any) -> None:
    """A cache of our own, so the test can let an hour pass."""
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "upload-tests"}}


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
    """P001's greeting 4 -> 5 (score 80 -> 85); a new P999 by a judge who has no account yet."""
    rows = sample_rows(samples)
    set_cell(rows, "P001", "phone.greeting", "5")
    new = list(next(row for row in rows if row[0] == "P004"))
    new[0], new[3] = "P999", "newjudge"
    rows.append(new)
    return as_csv(rows)


def check(client: Client, edition: Edition, content: bytes, name: str = "contacts.csv") -> Any:
    return client.post(UPLOAD, {"edition": edition.pk, "file": SimpleUploadedFile(name, content, "text/csv"), "check": "1"})


def confirm(client: Client, token: str) -> Any:
    return client.post(UPLOAD, {"token": token})


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


# Who may upload -----------------------------------------------------------------------


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
) -> None:
    before = stored_state()

    def send(client: Client) -> Any:
        if method == "get":
            return client.get(UPLOAD)
        return check(client, mini, one_changed_one_new(samples))

    assert send(client_as("organiser")).status_code == 200
    assert send(client_as("superuser")).status_code == 200
    assert send(client_as("judge")).status_code == 403
    for client in (client_as("company_user"), client_as("anonymous")):
        response = send(client)
        assert response.status_code == 302
        assert response["Location"] == f"/admin/login/?next={UPLOAD}"
    assert stored_state() == before


def test_a_judge_cannot_confirm_an_organisers_check(
    mini: Edition, organiser: Any, judge: Any, samples: Path, client_as: ClientAs
) -> None:
    token = check(client_as("organiser"), mini, one_changed_one_new(samples)).context["token"]

    assert confirm(client_as("judge"), token).status_code == 403
    assert Contact.objects.count() == 35


def test_both_posts_need_the_csrf_token(mini: Edition, organiser: Any, samples: Path, client_as: ClientAs) -> None:
    client = client_as("organiser", enforce_csrf_checks=True)

    assert check(client, mini, one_changed_one_new(samples)).status_code == 403
    assert confirm(client, "x" * 43).status_code == 403


# The check ----------------------------------------------------------------------------


def test_the_form_offers_every_edition_newest_first(mini: Edition, organiser: Any, client_as: ClientAs) -> None:
    Edition.objects.create(year=2019, name="Customer Service Award 2019", starts_on="2019-01-15", ends_on="2019-04-12")
    response = client_as("organiser").get(UPLOAD)

    form = response.context["form"]
    assert [edition.year for edition in form.fields["edition"].queryset] == [2021, 2019]
    assert form.initial["edition"] == mini
    assert "<title>Upload contacts" in response.content.decode()


def test_the_check_counts_exactly_and_writes_nothing(
    mini: Edition, organiser: Any, samples: Path, django_capture_on_commit_callbacks: Any, client_as: ClientAs
) -> None:
    before = stored_state()
    assert before["p001"][:2] == ("80.0000", {"wait": 5, "greeting": 4, "solution": 7, "feeling": 5})

    with django_capture_on_commit_callbacks() as callbacks:
        response = check(client_as("organiser"), mini, one_changed_one_new(samples))

    assert response.status_code == 200
    assert response.context["report"] == {"new": 1, "changed": 1, "unchanged": 34}
    page = response.content.decode()
    assert "1 new, 1 changed, 34 unchanged" in page
    assert re.search(r'<input type="submit" name="confirm"[^>]*value="Import 2 contacts"', page)
    assert "problems" not in response.context
    # Nothing written, not even the new judge's account, and no rescoring waits for a commit.
    assert stored_state() == before
    assert not get_user_model().objects.filter(username="newjudge").exists()
    assert callbacks == []


def test_the_command_dry_run_gives_the_same_true_counts(mini: Edition, samples: Path, tmp_path: Path) -> None:
    file = tmp_path / "contacts.csv"
    file.write_bytes(one_changed_one_new(samples))
    before = stored_state()
    out = io.StringIO()

    call_command("import_contacts", "2021", str(file), "--dry-run", stdout=out)

    assert out.getvalue() == "Dry run, nothing written. contacts created: 1, contacts unchanged: 34, contacts updated: 1\n"
    assert stored_state() == before


def test_a_file_that_changes_nothing_offers_nothing_to_import(
    mini: Edition, organiser: Any, samples: Path, client_as: ClientAs
) -> None:
    response = check(client_as("organiser"), mini, (samples / "mini" / "contacts.csv").read_bytes())

    assert response.context["report"] == {"new": 0, "changed": 0, "unchanged": 35}
    assert "token" not in response.context
    page = response.content.decode()
    assert "Nothing to import: every contact in the file matches what is stored." in page
    assert 'name="token"' not in page


def test_every_bad_row_is_listed_and_nothing_can_be_confirmed(
    mini: Edition, organiser: Any, samples: Path, client_as: ClientAs
) -> None:
    rows = sample_rows(samples)
    set_cell(rows, "P001", "phone.wait", "7")  # line 2
    set_cell(rows, "P002", "voided", "maybe")  # line 3
    set_cell(rows, "P200", "participant", "Nobody AS")  # line 12
    before = stored_state()

    response = check(client_as("organiser"), mini, as_csv(rows))

    assert response.status_code == 200
    assert response.context["problems"] == [
        Problem(2, "phone.wait", "7 is out of range 0 to 5"),
        Problem(3, "voided", "“maybe” must be true or false"),
        Problem(12, "participant", "no participant named “Nobody AS” in 2021"),
    ]
    page = response.content.decode()
    assert "3 bad rows: nothing can be imported until they are corrected." in page
    for line, column, reason in [
        (2, "phone.wait", "7 is out of range 0 to 5"),
        (3, "voided", "&#x27;maybe&#x27; must be true or false"),
        (12, "participant", "no participant named &#x27;Nobody AS&#x27; in 2021"),
    ]:
        assert f"<tr><td>{line}</td><td>{column}</td><td>{reason}</td></tr>" in page
    assert 'name="token"' not in page
    assert "token" not in response.context
    assert stored_state() == before


def test_a_bad_header_is_listed_at_line_1(mini: Edition, organiser: Any, samples: Path, client_as: ClientAs) -> None:
    rows = sample_rows(samples)
    rows[0][rows[0].index("comment")] = "remark"

    response = check(client_as("organiser"), mini, as_csv(rows))

    assert response.context["problems"] == [
        Problem(1, "comment", "missing column"),
        Problem(1, "remark", "unknown column"),
    ]


def test_a_file_that_is_not_utf8_is_refused_with_its_line(
    mini: Edition, organiser: Any, samples: Path, client_as: ClientAs
) -> None:
    content = (samples / "mini" / "contacts.csv").read_text(encoding="utf-8").encode("latin-1")

    response = check(client_as("organiser"), mini, content)

    assert response.status_code == 200
    line = next(n for n, text in enumerate(content.split(b"\n"), start=1) if "Ø".encode("latin-1") in text)
    assert response.context["form"].errors == {
        "file": [f"The file is not UTF-8 text (line {line}). Save it from your spreadsheet as “CSV UTF-8” and upload it again."]
    }
    assert "token" not in response.context
    assert Contact.objects.count() == 35


def test_a_file_over_10_mb_is_refused(mini: Edition, organiser: Any, samples: Path, client_as: ClientAs) -> None:
    content = (samples / "mini" / "contacts.csv").read_bytes()
    content += b"\n" * (MAX_UPLOAD_BYTES + 1 - len(content))

    response = check(client_as("organiser"), mini, content)

    assert response.context["form"].errors == {
        "file": ["The file is larger than 10.0\xa0MB, the most that can be uploaded: split it into several files."]
    }
    assert "report" not in response.context


def test_an_empty_file_is_refused(mini: Edition, organiser: Any, client_as: ClientAs) -> None:
    response = check(client_as("organiser"), mini, b"")

    assert response.context["form"].errors == {"file": ["The submitted file is empty."]}


# The confirmation ---------------------------------------------------------------------


def test_confirming_imports_everything_with_the_organiser_in_the_history(
    mini: Edition, organiser: Any, samples: Path, django_capture_on_commit_callbacks: Any, client_as: ClientAs
) -> None:
    client = client_as("organiser")
    token = check(client, mini, one_changed_one_new(samples)).context["token"]
    version = Edition.objects.get(year=2021).data_version
    last_change = ChangeRecord.objects.order_by("pk").values_list("pk", flat=True).last()

    with django_capture_on_commit_callbacks(execute=True):
        response = confirm(client, token)

    assert response.status_code == 302
    assert response["Location"] == UPLOAD
    page = client.get(UPLOAD).content.decode()
    assert "Imported contacts.csv into 2021: 1 new, 1 changed, 34 unchanged." in page
    assert Contact.objects.count() == 36
    p001 = Contact.objects.get(ref="P001")
    assert str(p001.score) == "85.0000"
    assert dict(p001.answers.values_list("question__key", "points")) == {"wait": 5, "greeting": 5, "solution": 7, "feeling": 5}
    assert Contact.objects.get(ref="P999").judge.username == "newjudge"
    assert Edition.objects.get(year=2021).data_version == version + 1  # one step for the whole import
    records = ChangeRecord.objects.filter(pk__gt=last_change, content_type__model="contact").order_by("action")
    assert [(r.object_id, r.action, r.source, r.user) for r in records] == [
        (Contact.objects.get(ref="P999").pk, "create", "admin", organiser),
        (p001.pk, "update", "admin", organiser),
    ]
    assert records[1].changes == {"phone.greeting": [4, 5], "score": ["80.0000", "85.0000"]}


def test_a_check_is_used_once(mini: Edition, organiser: Any, samples: Path, client_as: ClientAs) -> None:
    client = client_as("organiser")
    token = check(client, mini, one_changed_one_new(samples)).context["token"]
    assert confirm(client, token).status_code == 302
    changes = ChangeRecord.objects.count()

    response = confirm(client, token)

    assert response.status_code == 400
    assert "This check has expired or was not yours: nothing was imported." in response.content.decode()
    assert ChangeRecord.objects.count() == changes


def test_another_users_token_is_refused(mini: Edition, organiser: Any, samples: Path, client_as: ClientAs) -> None:
    token = check(client_as("organiser"), mini, one_changed_one_new(samples)).context["token"]
    other_organiser = UserFactory.create(username="other_organiser", is_staff=True)
    other_organiser.groups.add(Group.objects.get(name=ORGANISERS))
    before = stored_state()

    response = confirm(client_as(other_organiser), token)

    assert response.status_code == 400
    assert "This check has expired or was not yours: nothing was imported." in response.content.decode()
    assert stored_state() == before
    # The check still stands for the one who made it.
    assert confirm(client_as("organiser"), token).status_code == 302


@pytest.mark.parametrize("token", ["", "not a token", "x" * 43, "../" * 20])
def test_an_unknown_token_is_refused(mini: Edition, organiser: Any, token: str, client_as: ClientAs) -> None:
    response = confirm(client_as("organiser"), token)

    assert response.status_code == 400
    assert "This check has expired or was not yours" in response.content.decode()


def test_a_check_expires_after_an_hour(
    mini: Edition, organiser: Any, samples: Path, monkeypatch: Any, client_as: ClientAs
) -> None:
    client = client_as("organiser")
    token = check(client, mini, one_changed_one_new(samples)).context["token"]
    before = stored_state()
    an_hour_later = time.time() + UPLOAD_TIMEOUT + 1
    monkeypatch.setattr(locmem, "time", SimpleNamespace(time=lambda: an_hour_later))

    response = confirm(client, token)

    assert response.status_code == 400
    assert "This check has expired or was not yours: nothing was imported." in response.content.decode()
    assert stored_state() == before


def test_rows_that_went_bad_since_the_check_are_listed_and_nothing_is_written(
    mini: Edition, organiser: Any, samples: Path, client_as: ClientAs
) -> None:
    client = client_as("organiser")
    token = check(client, mini, one_changed_one_new(samples)).context["token"]
    # Since the check, judge2 declared a conflict of interest with Tussa: their three Tussa rows are now bad.
    JudgeConflict.objects.create(judge=Contact.objects.get(ref="P200").judge, participant=Participant.objects.get(name="Tussa"))
    before = stored_state()

    response = confirm(client, token)

    assert response.status_code == 409
    page = response.content.decode()
    assert "Nothing was imported: since the check, the data changed and these rows are no longer good." in page
    reason = "judge2 has declared a conflict of interest with Tussa"
    assert response.context["problems"] == [Problem(line, "judge", reason) for line in (12, 14, 15)]
    assert 'name="token"' not in page
    assert stored_state() == before


def test_upload_path_routes_the_page_under_the_contacts(organiser: Any) -> None:
    route = upload_path(admin.site._registry[Contact])

    assert (str(route.pattern), route.name) == ("upload/", "channels_app_contact_upload")
