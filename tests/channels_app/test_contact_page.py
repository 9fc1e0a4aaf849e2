"""The judges' own contact form (/work/contacts/): filled in from the plan, every question chosen before Submit, all
errors at once, the saved message, and who may see what."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from django.db import connection
from django.test.utils import CaptureQueriesContext

from award.models import Edition, Participant
from channels_app.models import Contact, ContactStatus, PlannedContact
from channels_app.planning import plan_edition
from tests.conftest import ClientAs
from tests.factories import ParticipantFactory

PHONE = {"q_wait": "5", "q_greeting": "4", "q_solution": "7", "q_feeling": "na"}  # 16 of 20: 80,0


def first_phone_slot(edition: Edition, judge: User) -> PlannedContact:
    entry = (
        PlannedContact.objects.filter(edition=edition, judge=judge, channel="phone", contact__isnull=True, attempt=1)
        .order_by("planned_at", "pk")
        .first()
    )
    assert entry is not None
    return entry


def post(participant: Participant, **fields: str) -> dict[str, str]:
    return {"participant": str(participant.pk), "happened_at": "2021-03-02T10:05", "answered": "on", "wait": "1:10", **fields}


def test_a_plan_slot_opens_the_form_filled_in(planned: Edition, judge1: User, client_as: ClientAs) -> None:
    entry = first_phone_slot(planned, judge1)
    page = client_as("judge1").get(f"/work/contacts/new/?plan={entry.pk}")

    assert page.status_code == 200
    form = page.context["form"]
    assert form.channel == "phone" and form["participant"].value() == entry.participant_id
    assert [field.name for field in form.main_fields()] == ["participant", "happened_at", "answered", "wait", "comment"]
    html = page.content.decode()
    # Every question as radio buttons, none chosen: a forgotten question is never a silent N/A.
    assert html.count('type="radio" name="q_greeting"') == 7  # N/A, 0 .. 5
    assert "checked" not in html.split('name="q_wait"', 1)[1].split("</fieldset>", 1)[0]
    assert 'data-blank="true"' in html and "contact_form.js" in html


def test_submit_with_a_question_left_open_names_it_and_saves_nothing(planned: Edition, judge1: User, client_as: ClientAs) -> None:
    entry = first_phone_slot(planned, judge1)
    before = Contact.objects.count()
    answers = {key: value for key, value in PHONE.items() if key != "q_solution"}
    page = client_as("judge1").post(
        f"/work/contacts/new/?plan={entry.pk}",
        {**post(entry.participant, wait="4:71", happened_at="2030-01-01T10:00"), **answers, "_submit": ""},
    )

    assert page.status_code == 200 and Contact.objects.count() == before
    errors = page.context["form"].errors
    # All at once: the wait that does not parse, the date outside the edition, the open question.
    assert set(errors) == {"wait", "happened_at", "q_solution"}
    assert "Correct 3 fields before saving:" in page.content.decode()


def test_a_submitted_contact_is_named_in_the_message_and_done_in_the_plan(
    planned: Edition, judge1: User, client_as: ClientAs
) -> None:
    entry = first_phone_slot(planned, judge1)
    client = client_as("judge1")
    page = client.post(f"/work/contacts/new/?plan={entry.pk}", {**post(entry.participant), **PHONE, "_submit": ""}, follow=True)

    contact = Contact.objects.get(judge=judge1, participant=entry.participant, comment="", happened_at__date="2021-03-02")
    assert page.redirect_chain == [("/work/", 302)]
    assert contact.status == ContactStatus.SUBMITTED and str(contact.score) == "80.0000" and contact.wait_seconds == 70
    entry.refresh_from_db()
    assert entry.contact_id == contact.pk  # done in the judge's list at once
    text = page.content.decode()
    assert f"Contact {contact.ref} with {entry.participant.name} (Phone, " in text and "submitted. Its score is 80.0." in text


def test_a_draft_may_be_partial_and_comes_back_to_its_own_page(planned: Edition, judge1: User, client_as: ClientAs) -> None:
    entry = first_phone_slot(planned, judge1)
    client = client_as("judge1", HTTP_ACCEPT_LANGUAGE="nb")
    page = client.post(
        f"/work/contacts/new/?plan={entry.pk}", {**post(entry.participant), "q_wait": "5", "_draft": ""}, follow=True
    )

    contact = Contact.objects.get(judge=judge1, status=ContactStatus.DRAFT)
    assert page.redirect_chain == [(f"/work/contacts/{contact.pk}/", 302)]
    assert sorted(contact.unchosen) == ["feeling", "greeting", "solution"]
    text = page.content.decode()
    assert "3 spørsmål" in text  # nb, with its plural
    assert page.context["form"]["wait"].value() == "1:10"  # shown back as entered
    # Submitting it once every question is chosen.
    done = client.post(f"/work/contacts/{contact.pk}/", {**post(entry.participant), **PHONE, "_submit": ""})
    assert done.status_code == 302
    contact.refresh_from_db()
    assert contact.status == ContactStatus.SUBMITTED and contact.unchosen == [] and str(contact.score) == "80.0000"


def test_unticking_answered_drops_the_answers(planned: Edition, judge1: User, client_as: ClientAs) -> None:
    entry = first_phone_slot(planned, judge1)
    data = {key: value for key, value in post(entry.participant, wait="").items() if key != "answered"}
    page = client_as("judge1").post(f"/work/contacts/new/?plan={entry.pk}", {**data, **PHONE, "_submit": ""})

    assert page.status_code == 302
    contact = Contact.objects.get(judge=judge1, participant=entry.participant, happened_at__date="2021-03-02")
    assert not contact.answered and contact.score == 0 and not contact.answers.exists()


@pytest.mark.parametrize(("persona", "status"), [("anonymous", 302), ("company_user", 403), ("organiser", 403), ("judge2", 404)])
def test_another_persons_contact_is_not_theirs(
    planned: Edition, judge1: User, persona: str, status: int, client_as: ClientAs
) -> None:
    contact = Contact.objects.filter(judge=judge1).first()
    assert contact is not None
    assert client_as(persona).get(f"/work/contacts/{contact.pk}/").status_code == status
    assert client_as(persona).post(f"/work/contacts/{contact.pk}/", {"_submit": ""}).status_code == status


def test_without_a_channel_the_page_asks_for_one(planned: Edition, client_as: ClientAs) -> None:
    page = client_as("judge1").get("/work/contacts/new/?channel=fax")
    text = page.content.decode()
    assert page.status_code == 200 and "Which channel?" in text and "Choose one of the channels below." in text
    assert '?channel=phone"' in text and '?channel=messenger"' not in text  # the sample has no Messenger questions


def test_a_voided_contact_is_read_only_and_a_post_changes_nothing(planned: Edition, judge1: User, client_as: ClientAs) -> None:
    contact = Contact.objects.filter(judge=judge1, channel="phone", answered=True).first()
    assert contact is not None
    Contact.objects.filter(pk=contact.pk).update(voided=True, void_reason="wrong company")
    client = client_as("judge1")
    page = client.get(f"/work/contacts/{contact.pk}/")
    assert (
        page.status_code == 200
        and "This contact is voided" in page.content.decode()
        and '<form method="post" class="contact-form"' not in page.content.decode()
    )
    assert client.post(f"/work/contacts/{contact.pk}/", {**post(contact.participant), **PHONE, "_submit": ""}).status_code == 302
    assert Contact.objects.get(pk=contact.pk).wait_seconds == contact.wait_seconds


def test_after_the_final_publication_the_form_is_closed(planned: Edition, judge1: User, client_as: ClientAs) -> None:
    Edition.objects.filter(pk=planned.pk).update(final_published_at="2021-05-01T12:00:00Z")
    entry = first_phone_slot(planned, judge1)
    client = client_as("judge1")
    assert "The final results of 2021 are published" in client.get(f"/work/contacts/new/?plan={entry.pk}").content.decode()
    before = Contact.objects.count()
    client.post(f"/work/contacts/new/?plan={entry.pk}", {**post(entry.participant), **PHONE, "_submit": ""})
    assert Contact.objects.count() == before


def test_the_form_costs_the_same_queries_whatever_the_editions_size(planned: Edition, judge1: User, client_as: ClientAs) -> None:
    client = client_as("judge1")
    entry = first_phone_slot(planned, judge1)
    with CaptureQueriesContext(connection) as small:
        assert client.get(f"/work/contacts/new/?plan={entry.pk}").status_code == 200
    for n in range(8):
        ParticipantFactory.create(edition=planned, name=f"Ekstra {n}", channels=["phone", "email"])
    plan_edition(edition=planned)
    with CaptureQueriesContext(connection) as large:
        assert client.get(f"/work/contacts/new/?plan={entry.pk}").status_code == 200
    assert len(large) == len(small)


def test_the_list_links_a_judges_contact_to_its_page(planned: Edition, judge1: User, client_as: ClientAs) -> None:
    contact = Contact.objects.filter(judge=judge1).order_by("-created_at", "-pk").first()
    assert contact is not None
    assert f'href="/work/contacts/{contact.pk}/"' in client_as("judge1").get("/work/contacts/").content.decode()


def test_the_page_reads_in_each_language(planned: Edition, judge1: User, client_as: ClientAs) -> None:
    entry = first_phone_slot(planned, judge1)
    for language, words in (("nb", ("Registrer en kontakt", "Send inn")), ("sv", ("Registrera en kontakt", "Skicka in"))):
        text = client_as("judge1", HTTP_ACCEPT_LANGUAGE=language).get(f"/work/contacts/new/?plan={entry.pk}").content.decode()
        assert all(word in text for word in words), language


def test_an_unknown_plan_entry_or_another_judges_is_no_slot(planned: Edition, judge1: User, client_as: ClientAs) -> None:
    other = first_phone_slot(planned, User.objects.get(username="judge2"))
    for value in (str(other.pk), "abc", "0", "-1"):
        page = client_as("judge1").get(f"/work/contacts/new/?plan={value}")
        assert page.status_code == 200 and "Which channel?" in page.content.decode()


def test_a_slot_with_a_draft_begun_opens_that_draft_and_my_work_lists_it(
    planned: Edition, judge1: User, client_as: ClientAs
) -> None:
    entry = first_phone_slot(planned, judge1)
    client = client_as("judge1")
    client.post(f"/work/contacts/new/?plan={entry.pk}", {**post(entry.participant), "q_wait": "5", "_draft": ""})
    draft = Contact.objects.get(judge=judge1, status=ContactStatus.DRAFT)

    again = client.get(f"/work/contacts/new/?plan={entry.pk}", follow=True)
    assert again.redirect_chain == [(f"/work/contacts/{draft.pk}/", 302)]
    assert "You have already begun this contact: here is your draft." in again.content.decode()
    work = client.get("/work/")
    assert [contact.pk for contact in work.context["work"].drafts] == [draft.pk]
    assert f'href="/work/contacts/{draft.pk}/"' in work.content.decode()
    assert Contact.objects.filter(judge=judge1, status=ContactStatus.DRAFT).count() == 1


def test_a_voided_contact_gives_its_reason_in_the_readers_language(planned: Edition, judge1: User, client_as: ClientAs) -> None:
    from channels_app.rules import IMPORT_VOID_REASON

    contact = Contact.objects.filter(judge=judge1).first()
    assert contact is not None
    Contact.objects.filter(pk=contact.pk).update(voided=True, void_reason=IMPORT_VOID_REASON)
    text = client_as("judge1", HTTP_ACCEPT_LANGUAGE="nb").get(f"/work/contacts/{contact.pk}/").content.decode()
    assert "annullert i den importerte filen" in text and "voided in the imported file" not in text


def test_a_judge_logging_in_lands_on_my_work(planned: Edition, judge1: User, client_as: ClientAs) -> None:
    page = client_as("judge1").get("/dashboard/")
    assert page.status_code == 302 and page["Location"] == "/work/"


def test_outside_the_edition_a_contact_without_a_slot_starts_without_a_time(
    planned: Edition, judge1: User, client_as: ClientAs
) -> None:
    form = client_as("judge1").get("/work/contacts/new/?channel=phone").context["form"]
    assert form["happened_at"].value() is None  # today (2026) is outside the 2021 edition: no time that must be corrected


def test_done_lately_lists_the_latest_contacts_first(planned: Edition, judge1: User, client_as: ClientAs) -> None:
    work = client_as("judge1").get("/work/").context["work"]
    times = [entry.contact.happened_at for entry in work.done]
    assert len(times) > 2 and times == sorted(times, reverse=True)
