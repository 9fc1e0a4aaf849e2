"""An import job through a real Celery worker: the upload returns at once, the worker checks and imports (PostgreSQL pass)."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from award.models import Edition
from award.roles import JUDGES, ORGANISERS, roles_ensure
from channels_app.bundle.importer import import_edition
from channels_app.models import Contact, ImportJob
from tests.factories import UserFactory
from tests.workers import Worker


def wait_for_state(client: Client, job: ImportJob, states: set[str], timeout: float = 60) -> dict[str, Any]:
    url = reverse("admin:channels_app_contact_upload_status", args=[job.pk])
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        status = json.loads(client.get(url).content)
        if status["state"] in states:
            return status
        time.sleep(0.2)
    raise AssertionError(f"the job did not reach {states} within {timeout} s: {status}")


@pytest.fixture
def media(settings: Any, tmp_path: Path) -> Path:
    """The test's own media folder, set before the worker starts (it is given the same)."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.mark.postgres
@pytest.mark.celery_worker
def test_a_worker_checks_and_imports_an_uploaded_file(media: Path, worker: Worker, samples: Path) -> None:
    import_edition(samples / "mini")
    roles_ensure()
    organiser = UserFactory.create(username="organiser", is_staff=True)
    organiser.groups.add(Group.objects.get(name=ORGANISERS))
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(organiser)
    content = (samples / "mini" / "contacts.csv").read_bytes().replace(b"\nP001,", b"\nP001-NEW,", 1)
    worker.pause()

    response = client.post(
        reverse("admin:channels_app_contact_upload"),
        {"edition": Edition.objects.get(year=2021).pk, "file": SimpleUploadedFile("contacts.csv", content), "check": "1"},
    )

    assert response.status_code == 302
    job = ImportJob.objects.get()
    assert (job.state, job.language) == ("uploaded", "en")  # nothing ran in the web process: the check waits for the worker
    assert (media / job.file.name).is_file()
    worker.resume()
    checked = wait_for_state(client, job, {"checked", "refused", "failed"})
    assert checked["state"] == "checked"
    job.refresh_from_db()
    assert job.counts == {"new": 1, "changed": 0, "unchanged": 34, "judges": 0}

    assert client.post(reverse("admin:channels_app_contact_upload_confirm", args=[job.pk])).status_code == 302
    done = wait_for_state(client, job, {"done", "failed"})

    assert done["state"] == "done"
    assert Contact.objects.filter(ref="P001-NEW").exists()
    assert Contact.objects.get(ref="P001-NEW").judge.groups.filter(name=JUDGES).exists()
