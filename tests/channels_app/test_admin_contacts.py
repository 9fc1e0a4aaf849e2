"""The judges' workplace in the admin: logging, drafts, every rule through the form, locks, progress, voiding, questions."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from audit.models import ChangeRecord
from award.models import Edition, Participant
from channels_app.models import Contact, JudgeConflict, Question
from channels_app.waiting import clock_text as format_wait
from channels_app.waiting import parse_wait
from publications.services import publication_create
from scoring.models import ChannelStanding
from tests.admin_forms import ADD, add_url, assert_sent_away, phone_form, question_form
from tests.conftest import ClientAs, record
from tests.factories import UserFactory


def test_wait_accepts_seconds_and_minutes() -> None:
    assert parse_wait("270") == 270
    assert parse_wait("4:30") == 270
    assert parse_wait("1:04:30") == 3870
    assert parse_wait("") is None
    for bad in ("4:75", "abc", "1:2:3:4", "-5"):
        with pytest.raises(ValueError):
            parse_wait(bad)
    assert format_wait(270) == "4:30"
    assert format_wait(3870) == "1:04:30"


def test_logging_starts_with_edition_and_channel(judge1: Any, mini: Edition, client_as: ClientAs) -> None:
    client = client_as("judge1")

    response = client.get(ADD)

    assert response.status_code == 200
    assert response.context["form"].initial["edition"] == mini
    assert "Next: the questionnaire" in response.content.decode()
    chosen = client.get(add_url(mini))
    assert chosen.status_code == 200
    assert "How long did you wait?" in chosen.content.decode()
    assert client.get(add_url(mini, "messenger")).context["title"] == "Log a contact"  # no questionnaire


def test_the_form_shows_the_channel_questionnaire_by_area(judge1: Any, mini: Edition, client_as: ClientAs) -> None:
    response = client_as("judge1").get(add_url(mini))

    assert response.status_code == 200
    html = response.content.decode()
    for area in ("Answer and waiting time", "The agent", "Solution", "Customer experience"):
        assert area in html
    assert "How did the contact feel? (does not count)" in html
    assert 'name="handled_by"' not in html  # only chat and Messenger have a chatbot
    assert 'name="q_tone"' not in html  # a chat question
    chat = client_as("judge1").get(add_url(mini, "chat")).content.decode()
    assert 'name="handled_by"' in chat and 'name="q_tone"' in chat


def test_judge_logs_and_submits_a_phone_contact(
    judge1: Any, mini: Edition, django_capture_on_commit_callbacks: Any, client_as: ClientAs
) -> None:
    client = client_as("judge1")

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(add_url(mini), phone_form(mini))

    contact = Contact.objects.get(comment="Knew the answer at once")
    assert response.status_code == 302
    assert response["Location"] == f"/admin/channels_app/contact/{contact.pk}/change/"
    assert (str(contact.score), contact.status, contact.wait_seconds, contact.handled_by) == ("85.0000", "submitted", 90, "agent")
    assert contact.judge == judge1
    record_ = ChangeRecord.objects.get(object_id=contact.pk, action="create")
    assert (record_.source, record_.user) == ("admin", judge1)
    assert record_.changes["phone.solution"] == [None, 8]
    page = client.get(response["Location"])
    message = f"Contact {contact.ref} with Sognenett (Phone, March 2, 2021, 2:05 p.m.) submitted. Its score is 85.0."
    assert message in [str(m) for m in page.context["messages"]]
    phone = ChannelStanding.objects.get(participant__name="Sognenett", channel="phone")
    assert (phone.contacts, str(phone.total)) == (5, "70.3333")  # (80 + 86.6667 + 0 + 100 + 85) / 5 = 70.33334


def test_a_draft_counts_nowhere_and_may_be_half_filled(
    judge1: Any, mini: Edition, django_capture_on_commit_callbacks: Any, client_as: ClientAs
) -> None:
    client = client_as("judge1")
    form = phone_form(mini, q_wait=None, q_greeting=None, q_solution=None, q_feeling="2", _submit=None, _draft="1")

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(add_url(mini), form)

    assert response.status_code == 302
    draft = Contact.objects.get(comment="Knew the answer at once")
    assert draft.status == "draft"
    assert ChannelStanding.objects.get(participant__name="Sognenett", channel="phone").contacts == 4

    # Submitting it half-filled is refused; filled in, it counts.
    submit = {key: value for key, value in form.items() if key != "_draft"} | {"_submit": "1"}
    refused = client.post(f"/admin/channels_app/contact/{draft.pk}/change/", submit)
    assert refused.status_code == 200
    errors = refused.context["adminform"].form.errors
    assert {name: errors[name] for name in ("q_wait", "q_greeting", "q_solution")} == {
        name: ["choose the points, or N/A"] for name in ("q_wait", "q_greeting", "q_solution")
    }
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/admin/channels_app/contact/{draft.pk}/change/", phone_form(mini))
    assert Contact.objects.get(pk=draft.pk).status == "submitted"
    assert ChannelStanding.objects.get(participant__name="Sognenett", channel="phone").contacts == 5


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"happened_at_0": "2021-05-01"}, "happened_at", "2021-05-01 is outside the edition (2021-01-15 to 2021-04-12)"),
        ({"wait": "four"}, "wait", "Give the wait as minutes:seconds (4:30) or hours:minutes:seconds (1:04:30)."),
        ({"wait": "999:00:00"}, "wait", "must be whole seconds from 0 to 2592000"),
        ({"q_wait": "6"}, "q_wait", "Select a valid choice. 6 is not one of the available choices."),
        (
            {"q_wait": "na", "q_greeting": "na", "q_solution": "na"},
            "answered",
            "an answered contact needs at least one counted question",
        ),
        ({"q_greeting": None}, "q_greeting", "choose the points, or N/A"),  # forgotten: not N/A, and not submitted
        ({"q_feeling": None}, "q_feeling", "choose the points, or N/A"),  # one that does not count too
        ({"participant": "999999"}, "participant", "Select a valid choice."),
    ],
)
def test_every_rule_is_shown_next_to_its_field(
    judge1: Any, mini: Edition, changes: dict[str, Any], field: str, message: str, client_as: ClientAs
) -> None:
    before = (Contact.objects.count(), ChangeRecord.objects.count())

    form = {key: value for key, value in (phone_form(mini) | changes).items() if value is not None}
    response = client_as("judge1").post(add_url(mini), form)

    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert any(message in error for error in errors.get(field, [])), errors
    assert (Contact.objects.count(), ChangeRecord.objects.count()) == before


def test_unanswered_phone_contact_needs_no_answers(judge1: Any, mini: Edition, client_as: ClientAs) -> None:
    form = phone_form(mini, answered=None, wait="", q_wait=None, q_greeting=None, q_solution=None, q_feeling=None)

    response = client_as("judge1").post(add_url(mini), form)

    assert response.status_code == 302
    contact = Contact.objects.get(comment="Knew the answer at once")
    assert (contact.answered, str(contact.score), contact.handled_by, contact.wait_seconds) == (False, "0.0000", "", None)


def test_chat_needs_who_handled_it(judge1: Any, mini: Edition, client_as: ClientAs) -> None:
    base = {
        "participant": Participant.objects.get(name="Sixt").pk,
        "happened_at_0": "2021-03-02",
        "happened_at_1": "14:05",
        "answered": "on",
        "wait": "25",
        "q_wait": "5",
        "q_solution": "9",
        "q_tone": "3",
        "_submit": "1",
    }
    missing = client_as("judge1").post(add_url(mini, "chat"), base)
    assert "required when the contact was answered" in str(missing.context["adminform"].form.errors["handled_by"])

    client_as("judge1").post(add_url(mini, "chat"), {**base, "handled_by": "bot"})
    assert Contact.objects.filter(participant__name="Sixt", channel="chat", handled_by="bot").count() == 1


def test_participants_offered_are_those_of_the_channel_without_conflicts(judge1: Any, mini: Edition, client_as: ClientAs) -> None:
    JudgeConflict.objects.create(judge=judge1, participant=Participant.objects.get(name="Sixt"))
    client = client_as("judge1")

    names = [
        row["text"]
        for row in client.get(f"/admin/channels_app/contact/participants/?edition={mini.pk}&channel=chat").json()["results"]
    ]

    assert names == ["Frende Forsikring", "Sognenett"]  # Sixt offers chat, but judge1 declared a conflict
    refused = client.post(add_url(mini), phone_form(mini, participant="Sixt"))
    assert "participant" in refused.context["adminform"].form.errors
    assert client_as(UserFactory.create(username="nobody")).get("/admin/channels_app/contact/participants/").status_code == 302


def test_judges_see_only_their_own_contacts_and_progress(judge1: Any, mini: Edition, client_as: ClientAs) -> None:
    client = client_as("judge1")

    response = client.get("/admin/channels_app/contact/")

    own = Contact.objects.filter(judge=judge1)
    assert {c.ref for c in response.context["cl"].result_list} == set(own.values_list("ref", flat=True))
    progress = response.context["progress"]
    assert progress["submitted"] == own.filter(status="submitted", voided=False).count() == 13
    assert dict(progress["channels"])["Phone"] == own.filter(channel="phone", voided=False).count()
    assert progress["drafts"] == 0
    other = Contact.objects.exclude(judge=judge1).first()
    assert other is not None
    assert_sent_away(client, client.get(f"/admin/channels_app/contact/{other.pk}/change/"), other)
    assert_sent_away(client, client.post(f"/admin/channels_app/contact/{other.pk}/change/", phone_form(mini)), other)
    assert Contact.objects.get(pk=other.pk).comment == other.comment


def test_after_the_final_publication_contacts_are_locked(judge1: Any, organiser: Any, mini: Edition, client_as: ClientAs) -> None:
    publication_create(edition=mini, kind="final")
    mine = Contact.objects.filter(judge=judge1, channel="phone", voided=False).first()  # a voided one is read only anyway
    assert mine is not None
    url = f"/admin/channels_app/contact/{mine.pk}/change/"

    closed = "The final results of 2021 are published: the edition is closed"
    judge = client_as("judge1")
    page = judge.get(url)
    assert page.status_code == 200
    assert page.templates[0].name == "admin/channels_app/contact/closed.html"
    assert closed in page.content.decode()
    assert mine.ref in page.content.decode() and 'name="_submit"' not in page.content.decode()
    refused = judge.post(url, phone_form(mini))
    assert (refused.status_code, refused["Location"]) == (302, url)
    assert closed in next(str(m) for m in judge.get(url).context["messages"])
    assert Contact.objects.get(pk=mine.pk).comment == mine.comment

    without_reason = client_as("organiser").post(url, phone_form(mini))
    assert "give a reason for this change" in str(without_reason.context["adminform"].form.errors["reason"])
    with_reason = client_as("organiser").post(url, phone_form(mini, reason="Judge mistyped the solution points"))
    assert with_reason.status_code == 302
    change = ChangeRecord.objects.filter(object_id=mine.pk, action="update").get()
    assert (change.note, change.user) == ("Judge mistyped the solution points", organiser)


def test_organiser_voids_with_a_reason(
    organiser: Any, mini: Edition, django_capture_on_commit_callbacks: Any, client_as: ClientAs
) -> None:
    client = client_as("organiser")
    chosen = list(Contact.objects.filter(ref__in=["P500", "P501"]).values_list("pk", flat=True))

    confirm = client.post("/admin/channels_app/contact/", {"action": "void_contacts", "_selected_action": chosen})
    assert confirm.status_code == 200 and "Reason for voiding" in confirm.content.decode()
    assert not Contact.objects.filter(pk__in=chosen, voided=True).exists()

    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            "/admin/channels_app/contact/",
            {"action": "void_contacts", "_selected_action": chosen, "apply": "1", "reason": "Wrong branch"},
        )

    assert set(Contact.objects.filter(pk__in=chosen).values_list("voided", "void_reason")) == {(True, "Wrong branch")}
    assert ChannelStanding.objects.get(participant__name="Sixt", channel="phone").contacts == 1


def test_judges_cannot_void_or_delete(judge1: Any, mini: Edition, client_as: ClientAs) -> None:
    mine = Contact.objects.filter(judge=judge1).first()
    assert mine is not None
    client = client_as("judge1")
    client.post(
        "/admin/channels_app/contact/", {"action": "void_contacts", "_selected_action": [mine.pk], "apply": "1", "reason": "x"}
    )
    assert Contact.objects.get(pk=mine.pk).voided is False
    assert client.get(f"/admin/channels_app/contact/{mine.pk}/delete/").status_code == 403


def test_changelist_query_count_does_not_grow(
    organiser: Any, mini: Edition, django_assert_num_queries: Any, client_as: ClientAs
) -> None:
    client = client_as("organiser")
    client.get("/admin/channels_app/contact/")  # warm caches (content types, sessions)
    with CaptureQueriesContext(connection) as captured:
        few = client.get("/admin/channels_app/contact/")
    assert few.status_code == 200
    assert (few.context["cl"].result_count, len(few.context["cl"].result_list)) == (35, 35)
    assert ">P001<" in few.content.decode() and "35 contacts" in few.content.decode()

    participant = Participant.objects.get(name="Tussa")
    judge = Contact.objects.get(ref="P200").judge
    for n in range(120):
        record(mini, ref=f"X{n:03d}", participant=participant, channel="phone", judge=judge, answered=False)

    with django_assert_num_queries(len(captured)):
        many = client.get("/admin/channels_app/contact/")
    assert many.status_code == 200
    # Newest first, 50 to a page: the sample's 35 (all after 10:00 on 1 February), then the newest 15 of the 120 new ones.
    rows = [contact.ref for contact in many.context["cl"].result_list]
    sample = [contact.ref for contact in few.context["cl"].result_list]
    assert (many.context["cl"].result_count, rows) == (155, sample + [f"X{n:03d}" for n in range(119, 104, -1)])
    assert ">X119<" in many.content.decode() and "155 contacts" in many.content.decode()


def test_changing_a_question_maximum_warns_then_rescores(
    organiser: Any, mini: Edition, django_capture_on_commit_callbacks: Any, client_as: ClientAs
) -> None:

    question = Question.objects.get(edition=mini, channel="phone", key="solution")
    url = f"/admin/channels_app/question/{question.pk}/change/"
    client = client_as("organiser")

    warned = client.post(url, question_form(question, max_points=20))
    assert warned.status_code == 200
    assert "recomputes the scores of 13 contacts and rescores the edition" in warned.content.decode()
    assert Question.objects.get(pk=question.pk).max_points == 10

    with django_capture_on_commit_callbacks(execute=True):
        done = client.post(url, question_form(question, max_points=20, confirm_rescore="on"))
    assert done.status_code == 302
    assert str(Contact.objects.get(ref="P001").score) == "53.3333"  # 16 of 5 + 5 + 20
    assert ChangeRecord.objects.filter(object_id=question.pk, action="update").get().changes == {"max_points": [10, 20]}
    # Sixt: 20/30, 19/30, 20/30 = 66.6667, 63.3333, 66.6667
    assert str(ChannelStanding.objects.get(participant__name="Sixt", channel="phone").total) == "65.5556"


def test_a_question_change_that_breaks_answers_is_refused_next_to_its_field(
    organiser: Any, mini: Edition, client_as: ClientAs
) -> None:

    question = Question.objects.get(edition=mini, channel="phone", key="solution")
    response = client_as("organiser").post(
        f"/admin/channels_app/question/{question.pk}/change/", question_form(question, max_points=8, confirm_rescore="on")
    )
    assert response.status_code == 200
    assert "answers give more than 8 points" in str(response.context["adminform"].form.errors["max_points"])
    assert Question.objects.get(pk=question.pk).max_points == 10


def test_judges_read_the_questionnaire_but_cannot_change_it(judge1: Any, mini: Edition, client_as: ClientAs) -> None:

    question = Question.objects.get(edition=mini, channel="phone", key="solution")
    client = client_as("judge1")
    assert client.get("/admin/channels_app/question/").status_code == 200
    assert (
        client.post(f"/admin/channels_app/question/{question.pk}/change/", question_form(question, max_points=20)).status_code
        == 403
    )
    assert client.get("/admin/channels_app/question/add/").status_code == 403


def test_organiser_filters_by_month_judge_class_and_participant(organiser: Any, mini: Edition, client_as: ClientAs) -> None:
    from award.models import AwardClass

    client = client_as("organiser")

    def refs(**params: Any) -> set[str]:
        response = client.get("/admin/channels_app/contact/", params)
        assert response.status_code == 200
        return {contact.ref for contact in response.context["cl"].queryset}

    assert len(refs(month="2021-02")) == 35
    assert refs(month="2021-03") == set()
    judge2 = Contact.objects.get(ref="P002").judge
    assert refs(judge=judge2.pk) == set(Contact.objects.filter(judge=judge2).values_list("ref", flat=True))
    car_rental = AwardClass.objects.get(name="Car rental")
    assert refs(**{"class": car_rental.pk}) == {"P500", "P501", "P502", "C500", "C501", "C502"}
    assert refs(participant=Participant.objects.get(name="Tussa").pk, channel__exact="email") == {"E200", "E201", "E202"}
    assert refs(q="Same answer as the FAQ") == {"E202"}


def test_unticking_answered_drops_the_wait_and_the_answers_instead_of_listing_errors(
    judge1: Any, mini: Edition, client_as: ClientAs
) -> None:
    """The page hides the questions when "answered" is unticked; what they still held is not kept, nor an error."""
    response = client_as("judge1").post(add_url(mini), phone_form(mini, answered=None))

    assert response.status_code == 302
    contact = Contact.objects.get(comment="Knew the answer at once")
    assert (contact.answered, contact.wait_seconds, contact.answers.count(), str(contact.score)) == (False, None, 0, "0.0000")


def test_all_errors_come_at_once(judge1: Any, mini: Edition, client_as: ClientAs) -> None:
    form = phone_form(mini, wait="four", happened_at_0="2021-05-01", q_greeting=None)

    response = client_as("judge1").post(add_url(mini), form)

    errors = response.context["adminform"].form.errors
    assert errors["wait"] == ["Give the wait as minutes:seconds (4:30) or hours:minutes:seconds (1:04:30)."]
    assert errors["happened_at"] == ["2021-05-01 is outside the edition (2021-01-15 to 2021-04-12)"]
    assert errors["q_greeting"] == ["choose the points, or N/A"]


def test_a_draft_keeps_which_questions_are_open_and_which_are_not_applicable(
    judge1: Any, mini: Edition, client_as: ClientAs
) -> None:
    client = client_as("judge1")
    form = phone_form(mini, q_greeting="na", q_solution=None, _submit=None, _draft="1")
    response = client.post(add_url(mini), form, follow=True)
    draft = Contact.objects.get(comment="Knew the answer at once")
    assert [str(m) for m in response.context["messages"]] == [
        f"Contact {draft.ref} with Sognenett (Phone, March 2, 2021, 2:05 p.m.) saved as a draft, "
        "1 question still to answer: it counts nowhere until you submit it."
    ]

    assert (draft.status, draft.unchosen, str(draft.score)) == ("draft", ["solution"], "0.0000")  # no score while open
    initial = {
        name: field.initial
        for name, field in client.get(f"/admin/channels_app/contact/{draft.pk}/change/").context["adminform"].form.fields.items()
        if name.startswith("q_")
    }
    assert initial == {"q_wait": "4", "q_greeting": "na", "q_solution": None, "q_feeling": "3"}


def test_the_form_offers_each_question_as_buttons_with_none_chosen_and_a_live_count(
    judge1: Any, mini: Edition, client_as: ClientAs
) -> None:
    page = client_as("judge1").get(add_url(mini)).content.decode()

    assert 'src="/static/channels_app/contact_form.js"' in page
    assert 'id="answer-counter"' in page and 'data-template="%(answered)s of %(total)s questions answered"' in page
    for key, top in (("wait", 5), ("greeting", 5), ("solution", 10), ("feeling", 5)):
        assert f'type="radio" name="q_{key}" value="na"' in page
        assert f'type="radio" name="q_{key}" value="{top}"' in page
    assert "checked" not in page.split('name="q_wait"', 1)[1].split('name="q_greeting"', 1)[0]  # nothing chosen for the judge


def test_the_list_shows_each_person_the_columns_that_tell_them_something(
    judge1: Any, organiser: Any, mini: Edition, client_as: ClientAs
) -> None:
    judge_page = client_as("judge1").get("/admin/channels_app/contact/")
    organiser_page = client_as("organiser").get("/admin/channels_app/contact/")

    def columns(page: Any) -> list[str]:
        return [str(header["text"]) for header in page.context["result_headers"] if "checkbox" not in header["text"]]

    assert columns(judge_page) == ["reference", "happened at", "participant", "channel", "state", "score"]
    assert columns(organiser_page) == ["reference", "happened at", "participant", "channel", "state", "score", "judge"]
    assert "Your contacts in" in judge_page.content.decode()
    assert "Your contacts in" not in organiser_page.content.decode()  # an organiser logs none: the box would say 0


def test_a_voided_contact_is_read_only_until_an_organiser_restores_it_with_a_reason(
    judge1: Any, organiser: Any, mini: Edition, django_capture_on_commit_callbacks: Any, client_as: ClientAs
) -> None:
    contact = Contact.objects.filter(judge=judge1, channel="phone", voided=False, status="submitted").first()
    assert contact is not None
    before = ChannelStanding.objects.get(participant=contact.participant, channel="phone").contacts
    organiser_client = client_as("organiser")
    with django_capture_on_commit_callbacks(execute=True):
        organiser_client.post(
            "/admin/channels_app/contact/",
            {"action": "void_contacts", "_selected_action": [contact.pk], "apply": "1", "reason": "Wrong number"},
        )
    page = client_as("judge1").get(f"/admin/channels_app/contact/{contact.pk}/change/").content.decode()
    assert 'name="_submit"' not in page  # nothing to submit while it is voided
    assert ChannelStanding.objects.get(participant=contact.participant, channel="phone").contacts == before - 1

    without_reason = organiser_client.post(
        "/admin/channels_app/contact/", {"action": "restore_contacts", "_selected_action": [contact.pk], "apply": "1"}
    )
    assert without_reason.status_code == 200 and Contact.objects.get(pk=contact.pk).voided
    with django_capture_on_commit_callbacks(execute=True):
        response = organiser_client.post(
            "/admin/channels_app/contact/",
            {"action": "restore_contacts", "_selected_action": [contact.pk], "apply": "1", "reason": "It was the right number"},
            follow=True,
        )

    assert "1 contact restored." in [str(m) for m in response.context["messages"]]
    restored = Contact.objects.get(pk=contact.pk)
    assert (restored.voided, restored.void_reason) == (False, "")
    record = ChangeRecord.objects.filter(object_id=contact.pk, content_type__model="contact").order_by("-pk").first()
    assert record is not None
    assert (record.changes, record.note, record.user) == (
        {"voided": [True, False], "void_reason": ["Wrong number", ""]},
        "It was the right number",
        organiser,
    )
    assert ChannelStanding.objects.get(participant=contact.participant, channel="phone").contacts == before
    judge_actions = client_as("judge1").get("/admin/channels_app/contact/").context["action_form"]
    assert judge_actions is None or "restore_contacts" not in str(judge_actions)


def test_a_judges_newest_entry_comes_first_even_when_it_happened_weeks_ago(
    judge1: Any, mini: Edition, client_as: ClientAs
) -> None:
    client = client_as("judge1")
    client.post(add_url(mini), phone_form(mini, happened_at_0="2021-01-16", comment="Logged late"))

    first = client.get("/admin/channels_app/contact/").context["cl"].result_list[0]

    assert first.comment == "Logged late"


def test_the_imports_own_void_reason_reads_in_the_readers_language(organiser: Any, mini: Edition, client_as: ClientAs) -> None:
    from channels_app.rules import IMPORT_VOID_REASON

    contact = Contact.objects.filter(voided=False).first()
    assert contact is not None
    Contact.objects.filter(pk=contact.pk).update(voided=True, void_reason=IMPORT_VOID_REASON)

    page = client_as("organiser", HTTP_ACCEPT_LANGUAGE="nb").get(f"/admin/channels_app/contact/{contact.pk}/change/")

    assert "annullert i den importerte filen" in page.content.decode()
    assert Contact.objects.get(pk=contact.pk).void_reason == "voided in the imported file"  # stored the same everywhere


def test_the_history_shows_times_in_local_time_as_the_page_does(judge1: Any, mini: Edition, client_as: ClientAs) -> None:
    client = client_as("judge1")
    client.post(add_url(mini), phone_form(mini, happened_at_0="2021-03-02", happened_at_1="14:05"))
    contact = Contact.objects.get(comment="Knew the answer at once")

    lines = client.get(f"/admin/channels_app/contact/{contact.pk}/history/").context["lines"]

    created = {change.label: change.new for change in lines[0].changes}
    assert created["Happened at"] == "March 2, 2021, 2:05 p.m."  # stored in UTC (13:05), shown in Oslo's time


BANNERS = [("nb", "Vennligst korriger feilen under."), ("sv", "Var god rätta felet nedan.")]


@pytest.mark.parametrize(("language", "banner"), BANNERS)
def test_the_forms_error_banner_is_in_the_readers_language(
    judge1: Any, mini: Edition, language: str, banner: str, client_as: ClientAs
) -> None:
    response = client_as("judge1", HTTP_ACCEPT_LANGUAGE=language).post(add_url(mini), phone_form(mini, q_greeting=None))

    page = response.content.decode()
    assert banner in page and "Please correct" not in page
