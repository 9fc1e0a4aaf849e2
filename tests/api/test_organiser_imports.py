"""The organisers' API, import jobs: a contacts.csv uploaded as multipart/form-data, checked by a task, imported
once its uploader confirms it, all through channels_app.import_jobs as the admin's upload page does it."""

from __future__ import annotations

import copy
import csv
import io
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import Group, User
from django.core.files.uploadedfile import SimpleUploadedFile

from audit.models import ChangeRecord
from award.models import Edition
from award.roles import ORGANISERS
from channels_app.models import Contact, ImportJob
from tests.api.organisers import API, client_of, moment, page
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media_root(settings: Any, tmp_path: Path) -> Path:
    """Uploaded files go to a folder of the test's own."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


# Import jobs -----------------------------------------------------------------------------------------


def one_changed_one_new(samples: Path) -> bytes:
    """The mini sample's contacts.csv with P001's greeting 4 -> 5 (score 80 -> 85) and a new P999 by a new judge."""
    rows = list(csv.reader((samples / "mini" / "contacts.csv").open(encoding="utf-8", newline="")))
    p001 = next(row for row in rows if row[0] == "P001")
    p001[rows[0].index("phone.greeting")] = "5"
    new = list(next(row for row in rows if row[0] == "P004"))
    new[0], new[3] = "P999", "newjudge"
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows([*rows, new])
    return out.getvalue().encode("utf-8")


def upload(client: Any, content: bytes, **fields: Any) -> Any:
    return client.post(
        f"{API}/editions/2021/imports/",
        {"file": SimpleUploadedFile("contacts.csv", content, "text/csv"), **fields},
        format="multipart",
    )


def job_body(job: ImportJob, report: Any = None, **progress: int) -> dict[str, Any]:
    return {
        "id": job.pk,
        "year": 2021,
        "name": job.name,
        "size": job.size,
        "sha256": job.sha256,
        "state": job.state,
        "state_label": job.get_state_display(),
        "running": job.running,
        "uploaded_by": job.uploaded_by_name,
        "reason": job.reason,
        "counts": job.counts,
        "created_at": moment(job.created_at),
        "checked_at": moment(job.checked_at),
        "confirmed_at": moment(job.confirmed_at),
        "finished_at": moment(job.finished_at),
        "progress": {"done": job.bytes_done, "total": job.size, "percent": 100 * job.bytes_done // job.size} | progress,
        "report": report,
    }


REPORT = {
    "new_contacts": [{"line": 37, "ref": "P999"}],
    "changed_contacts": [{"line": 2, "ref": "P001", "changes": {"phone.greeting": [4, 5], "score": ["80.0000", "85.0000"]}}],
    "new_judges": ["newjudge"],
    "problems": [],
    "omitted": 0,
}


def test_an_upload_checked_then_confirmed_imports_the_contacts_with_the_api_in_their_history(
    mini: Edition, organiser: User, samples: Path, django_capture_on_commit_callbacks: Any
) -> None:
    client = client_of(organiser)
    content = one_changed_one_new(samples)

    with django_capture_on_commit_callbacks(execute=True):  # the check runs once the upload is committed
        uploaded = upload(client, content, reason="Late entries")

    job = ImportJob.objects.get()
    assert (job.source, job.uploaded_by, job.reason) == ("api", organiser, "Late entries")
    as_uploaded = copy.copy(job)  # the job as it was when the upload was answered, its check still to come
    as_uploaded.state, as_uploaded.counts, as_uploaded.bytes_done = "uploaded", {}, 0
    as_uploaded.checked_at = as_uploaded.finished_at = None
    assert (uploaded.status_code, uploaded.json()) == (201, job_body(as_uploaded))
    assert (uploaded.json()["state_label"], uploaded.json()["running"]) == ("Waiting to be checked", True)
    assert uploaded["Location"] == f"http://testserver{API}/imports/{job.pk}/"
    checked = client.get(uploaded["Location"]).json()
    assert checked == job_body(job, REPORT)
    assert (checked["state"], checked["counts"]) == ("checked", {"new": 1, "changed": 1, "unchanged": 34, "judges": 1})
    assert Contact.objects.count() == 35  # the check wrote nothing

    with django_capture_on_commit_callbacks(execute=True):
        confirmed = client.post(f"{API}/imports/{job.pk}/confirm/")

    assert confirmed.status_code == 202
    assert (confirmed.json()["state"], confirmed.json()["running"]) == ("confirmed", True)  # answered before the import ran
    job = ImportJob.objects.get()
    assert client.get(f"{API}/imports/{job.pk}/").json() == job_body(job, REPORT)
    assert job.state == "done"
    assert Contact.objects.count() == 36
    assert str(Contact.objects.get(ref="P001").score) == "85.0000"
    records = ChangeRecord.objects.filter(content_type__model="contact", object_repr__in=["P001", "P999"], source="api")
    assert sorted((r.object_repr, r.action, r.user, r.note) for r in records) == [
        ("P001", "update", organiser, "Late entries"),
        ("P999", "create", organiser, "Late entries"),
    ]
    again = client.post(f"{API}/imports/{job.pk}/confirm/")
    assert (again.status_code, again.json()) == (409, {"detail": "This file cannot be imported now: it is “Imported”."})
    assert client.get(f"{API}/editions/2021/imports/").json() == page([{k: v for k, v in job_body(job).items() if k != "report"}])


def test_only_the_uploader_confirms_and_a_check_can_be_made_again(
    mini: Edition, organiser: User, samples: Path, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        upload(client_of(organiser), one_changed_one_new(samples))
    job = ImportJob.objects.get()
    other = UserFactory.create(username="other_organiser")
    other.groups.add(Group.objects.get(name=ORGANISERS))

    refused = client_of(other).post(f"{API}/imports/{job.pk}/confirm/")
    recheck_refused = client_of(other).post(f"{API}/imports/{job.pk}/check/")
    with django_capture_on_commit_callbacks(execute=True):
        rechecked = client_of(organiser).post(f"{API}/imports/{job.pk}/check/")

    message = "Only organiser, who uploaded this file, can confirm it or check it again."
    assert (refused.status_code, refused.json()) == (403, {"detail": message})
    assert (recheck_refused.status_code, recheck_refused.json()) == (403, {"detail": message})
    assert rechecked.status_code == 202
    assert (rechecked.json()["state"], rechecked.json()["report"]) == ("uploaded", None)
    assert client_of(other).get(f"{API}/imports/{job.pk}/").json()["report"] == REPORT  # checked again; every organiser sees it
    assert Contact.objects.count() == 35


def test_a_file_with_bad_rows_is_refused_with_each_problem(
    mini: Edition, organiser: User, samples: Path, django_capture_on_commit_callbacks: Any
) -> None:
    content = one_changed_one_new(samples).replace(b"P002,Sognenett,phone", b"P002,Sognenett,fax")
    with django_capture_on_commit_callbacks(execute=True):
        upload(client_of(organiser), content)
    job = ImportJob.objects.get()

    body = client_of(organiser).get(f"{API}/imports/{job.pk}/").json()

    assert (body["state"], body["counts"]) == ("refused", {"bad_rows": 1, "problems": 1, "omitted": 0})
    assert body["report"] == {
        "new_contacts": [],
        "changed_contacts": [],
        "new_judges": [],
        "problems": [{"line": 3, "column": "channel", "reason": "must be one of phone, email, chat, messenger"}],
        "omitted": 0,
    }
    refused = client_of(organiser).post(f"{API}/imports/{job.pk}/confirm/")
    assert (refused.status_code, refused.json()) == (409, {"detail": "This file cannot be imported now: it is “Refused”."})


def test_an_upload_that_is_no_csv_file_is_refused(mini: Edition, organiser: User) -> None:
    client = client_of(organiser)

    latin1 = upload(client, "ref,participant\nP1,Bølgen\n".encode("latin-1"))
    missing = client.post(f"{API}/editions/2021/imports/", {"reason": "x"}, format="multipart")
    as_json = client.post(f"{API}/editions/2021/imports/", {"file": "ref,participant"}, format="json")

    assert (latin1.status_code, latin1.json()) == (
        400,
        {"file": ["The file is not UTF-8 text (line 2). Save it from your spreadsheet as “CSV UTF-8” and upload it again."]},
    )
    assert (missing.status_code, missing.json()) == (400, {"file": ["This field is required."]})
    assert (as_json.status_code, as_json.json()) == (415, {"detail": 'Unsupported media type "application/json" in request.'})
    assert not ImportJob.objects.exists()
