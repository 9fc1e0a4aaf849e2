"""The security log of the services: publications, voids and restores, and every change the history records, with
the acting user and the client's address (set by the middleware for services that are not given the request);
written when the transaction commits, never for one rolled back (docs/security.md)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import User

from audit.models import Source
from award.accounts.tokens import token_create, token_revoke
from award.models import Edition, Participant
from channels_app.bundle.importer import import_edition
from channels_app.models import Contact, JudgeConflict
from channels_app.services import contact_void
from publications.models import Publication
from tests.audit.conftest import SecurityLog
from tests.conftest import SAMPLES, ClientAs


def test_a_publication(
    mini: Edition, organiser: User, client_as: ClientAs, security_log: SecurityLog, django_capture_on_commit_callbacks: Any
) -> None:
    client = client_as("organiser", REMOTE_ADDR="10.1.0.1")
    url = f"/admin/publications/publication/publish/{mini.pk}/interim/"
    preview = client.get(url).context["preview"]

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url + "confirm/", {"fingerprint": preview.fingerprint, "latest": ""})

    publication = Publication.objects.get()
    assert response.status_code == 302
    assert security_log("publication") == [
        {
            "event": "publication",
            "user": "organiser",
            "ip": "10.1.0.1",
            "edition": 2021,
            "kind": "interim",
            "digest": publication.digest,
            "supersedes": None,
        }
    ]


def test_a_publication_refused_because_the_results_changed_is_not_logged(
    mini: Edition, organiser: User, client_as: ClientAs, security_log: SecurityLog, django_capture_on_commit_callbacks: Any
) -> None:
    client = client_as("organiser")
    url = f"/admin/publications/publication/publish/{mini.pk}/interim/"
    reviewed = client.get(url).context["preview"]
    contact_void(contact=Contact.objects.get(edition=mini, ref="P500"), reason="wrong number", source=Source.COMMAND)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url + "confirm/", {"fingerprint": reviewed.fingerprint, "latest": ""})

    assert "Nothing was published." in response.content.decode() and not Publication.objects.exists()
    assert security_log("publication") == []  # made, compared and rolled back: it never was


def test_a_void_and_a_restore_and_their_changes_in_the_history(
    mini: Edition, organiser: User, client_as: ClientAs, security_log: SecurityLog, django_capture_on_commit_callbacks: Any
) -> None:
    contact = Contact.objects.get(edition=mini, ref="P001")
    client = client_as("organiser", REMOTE_ADDR="10.1.0.2")

    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            "/admin/channels_app/contact/",
            {"action": "void_contacts", "_selected_action": [contact.pk], "apply": "1", "reason": "Wrong number"},
        )
        client.post(
            "/admin/channels_app/contact/",
            {"action": "restore_contacts", "_selected_action": [contact.pk], "apply": "1", "reason": "The right one"},
        )

    assert not Contact.objects.get(pk=contact.pk).voided
    by = {"user": "organiser", "ip": "10.1.0.2"}
    change = {"event": "history.change", **by, "model": "channels_app.contact", "object": contact.pk, "action": "update"}
    voiding = {**by, "contact": contact.pk, "ref": "P001", "edition": 2021, "source": "admin"}
    assert security_log("contact.void", "contact.restore", "history.change") == [
        {**change, "source": "admin", "fields": ["void_reason", "voided"]},
        {"event": "contact.void", **voiding},
        {**change, "source": "admin", "fields": ["void_reason", "voided"]},
        {"event": "contact.restore", **voiding},
    ]
    assert "Wrong number" not in str(security_log())  # the reason stays in the history


def test_a_change_the_history_records_made_on_the_site(
    mini: Edition, judge1: User, client_as: ClientAs, security_log: SecurityLog, django_capture_on_commit_callbacks: Any
) -> None:
    tussa = Participant.objects.get(edition=mini, name="Tussa")

    with django_capture_on_commit_callbacks(execute=True):
        client_as("judge1", REMOTE_ADDR="10.1.0.3").post("/work/conflicts/", {"participant": tussa.pk, "reason": "A cousin"})

    conflict = JudgeConflict.objects.get(judge=judge1, participant=tussa)
    assert security_log("history.change") == [
        {
            "event": "history.change",
            "user": "judge1",
            "ip": "10.1.0.3",
            "model": "channels_app.judgeconflict",
            "object": conflict.pk,
            "action": "create",
            "source": "site",
            "fields": ["judge", "participant", "reason"],
        }
    ]


def test_an_import_is_a_line_per_batch_and_a_line_per_contact_it_voids(
    db: None, security_log: SecurityLog, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        import_edition(SAMPLES / "mini")  # 35 contacts, one of them (P303) voided

    voided = Contact.objects.get(voided=True)
    by = {"user": "-", "ip": "-"}  # a command: nobody logged in, no client
    assert security_log("contact.void") == [
        {"event": "contact.void", **by, "contact": voided.pk, "ref": "P303", "edition": 2021, "source": "import"}
    ]
    contacts = [line for line in security_log("history.change") if line["model"] == "channels_app.contact"]
    assert contacts == [
        {"event": "history.change", **by, "model": "channels_app.contact", "count": 35, "action": "create", "source": "import"}
    ]
    assert len(security_log("history.change")) == 1 + 1 + 9 + 3 + 5  # contacts, the edition, questions, classes, participants


def test_nothing_is_logged_for_a_write_rolled_back(
    mini: Edition, security_log: SecurityLog, django_capture_on_commit_callbacks: Any
) -> None:
    from django.db import transaction

    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        contact_void(contact=Contact.objects.get(edition=mini, ref="P001"), reason="x", source=Source.COMMAND)
        transaction.set_rollback(True)

    assert security_log() == []


def test_a_token_made_and_revoked_never_with_its_secret(
    company_user: User, security_log: SecurityLog, caplog: Any, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        new = token_create(owner=company_user, name="BI", scopes=["read"], user=company_user, source=Source.SITE)
        token_revoke(token=new.token, user=company_user, source=Source.SITE)

    pk = new.token.pk
    assert security_log("token.create", "token.revoke") == [
        {"event": "token.create", "user": "company_a", "ip": "-", "token": pk, "owner": "company_a", "scopes": "read"},
        {"event": "token.revoke", "user": "company_a", "ip": "-", "token": pk, "owner": "company_a"},
    ]
    assert new.secret not in caplog.text
