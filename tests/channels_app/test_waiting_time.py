"""Waiting time as the award measures it: limits per channel (seconds, or working days for e-mail), the bands that
score the waiting-time question, and waits written as m:ss; the same through the form, the site and the import."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth.models import User

from award.models import Edition, Participant
from channels_app.models import Contact, WaitRule
from channels_app.services import ContactInput, ContactInvalid, contact_clean
from channels_app.wait_rules import wait_rule_errors, wait_rules_default
from channels_app.waiting import band_points, bands_errors, clock_text, parse_wait, past_limit, working_deadline
from tests.conftest import ClientAs

OSLO = ZoneInfo("Europe/Oslo")
PHONE_BANDS = [[60, 5], [120, 4], [180, 3], [300, 1]]


def test_band_points_at_the_edges() -> None:
    assert [band_points(PHONE_BANDS, wait) for wait in (0, 60, 61, 120, 121, 180, 181, 300, 301)] == [5, 5, 4, 4, 3, 3, 1, 1, 0]


def test_waits_are_read_and_written_as_a_clock() -> None:
    assert [parse_wait(text) for text in ("4:30", "0:05", "1:04:30", "26:00:00", "270", "")] == [270, 5, 3870, 93600, 270, None]
    for bad in ("4:60", "1:60:00", "4.30", "-1", "1:2:3:4", "four"):
        with pytest.raises(ValueError):
            parse_wait(bad)
    assert [clock_text(s) for s in (270, 5, 3870, 93600)] == ["4:30", "0:05", "1:04:30", "26:00:00"]
    assert all(parse_wait(clock_text(s)) == s for s in range(0, 100_000, 37))  # shown back the same way


def test_working_days_skip_weekends_and_closed_days() -> None:
    monday = datetime(2021, 3, 1, 11, 0, tzinfo=OSLO)
    friday = datetime(2021, 3, 5, 11, 0, tzinfo=OSLO)
    assert working_deadline(monday, 3) == datetime(2021, 3, 4, 11, 0, tzinfo=OSLO)
    assert working_deadline(friday, 3) == datetime(2021, 3, 10, 11, 0, tzinfo=OSLO)
    assert working_deadline(monday, 3, closed=[datetime(2021, 3, 2).date()]) == datetime(2021, 3, 5, 11, 0, tzinfo=OSLO)
    three_days = 3 * 86400
    assert not past_limit(wait_seconds=three_days, happened_at=monday, limit_seconds=None, limit_working_days=3)
    assert past_limit(wait_seconds=three_days + 1, happened_at=monday, limit_seconds=None, limit_working_days=3)
    assert not past_limit(wait_seconds=5 * 86400, happened_at=friday, limit_seconds=None, limit_working_days=3)
    assert not past_limit(wait_seconds=300, happened_at=monday, limit_seconds=300, limit_working_days=None)
    assert past_limit(wait_seconds=301, happened_at=monday, limit_seconds=300, limit_working_days=None)


def test_bands_are_checked() -> None:
    assert bands_errors(PHONE_BANDS, max_points=5) == []
    assert bands_errors([[60, 5], [60, 4]], max_points=5) == ["the bands' waits must be positive and rise from band to band"]
    assert bands_errors([[60, 6]], max_points=5) == ["each band's points must be from 0 to 5, the question's maximum"]
    assert bands_errors({"60": 5}, max_points=5) == ["give the bands as pairs of whole numbers: [[seconds, points], ...]"]
    assert bands_errors([[60, True]], max_points=5) != []


@pytest.fixture
def rules(mini: Edition) -> Edition:
    wait_rules_default(edition=mini)
    WaitRule.objects.filter(edition=mini, channel="phone").update(question_key="wait", bands=PHONE_BANDS)
    return mini


def phone(
    edition: Edition, judge: User, *, wait: int | None, answers: dict[str, int | None], status: str = "submitted"
) -> ContactInput:
    return ContactInput(
        participant=Participant.objects.get(edition=edition, name="Tussa"),
        channel="phone",
        judge=judge,
        happened_at=datetime(2021, 3, 1, 10, 0, tzinfo=OSLO),
        answered=True,
        wait_seconds=wait,
        handled_by="agent",
        answers=answers,
        status=status,
    )


def test_a_new_edition_gets_the_awards_limits_once(mini: Edition) -> None:
    assert len(wait_rules_default(edition=mini)) == 4
    assert wait_rules_default(edition=mini) == []
    limits = {rule.channel: (rule.limit_seconds, rule.limit_working_days) for rule in WaitRule.objects.filter(edition=mini)}
    assert limits == {"phone": (300, None), "chat": (300, None), "messenger": (1800, None), "email": (None, 3)}


def test_the_bands_score_the_wait_question(rules: Edition, judge1: User) -> None:
    clean = contact_clean(
        edition=rules, data=phone(rules, judge1, wait=150, answers={"greeting": 4, "solution": 7, "feeling": None})
    )
    assert {q.key: p for q, p in clean.points} == {"wait": 3, "greeting": 4, "solution": 7}
    assert str(clean.score) == "70.0000"  # 14 of 20


@pytest.mark.parametrize(("given", "reason"), [(5, "not 5"), (None, "not N/A")])
def test_points_that_differ_from_the_bands_are_refused(rules: Edition, judge1: User, given: int | None, reason: str) -> None:
    with pytest.raises(ContactInvalid) as refused:
        contact_clean(
            edition=rules,
            data=phone(rules, judge1, wait=150, answers={"wait": given, "greeting": 4, "solution": 7, "feeling": None}),
        )
    assert refused.value.errors == {"phone.wait": [f"a wait of 2:30 earns 3 by the edition's bands, {reason}"]}


def test_a_wait_past_the_limit_is_refused_and_says_the_limit(rules: Edition, judge1: User) -> None:
    answers = {"greeting": 4, "solution": 7, "feeling": None}
    assert contact_clean(edition=rules, data=phone(rules, judge1, wait=300, answers=answers)).score > 0
    with pytest.raises(ContactInvalid) as refused:
        contact_clean(edition=rules, data=phone(rules, judge1, wait=301, answers=answers))
    assert refused.value.errors["wait_seconds"] == [
        "a wait of 5:01 is past the limit for Phone (5:00): log the contact as not answered"
    ]


def test_a_submitted_contact_needs_the_wait_that_scores_a_question(rules: Edition, judge1: User) -> None:
    answers = {"greeting": 4, "solution": 7, "feeling": None}
    with pytest.raises(ContactInvalid) as refused:
        contact_clean(edition=rules, data=phone(rules, judge1, wait=None, answers=answers))
    assert refused.value.errors["wait_seconds"] == ["required: the wait scores the question “How long did you wait?”"]
    draft = contact_clean(edition=rules, data=phone(rules, judge1, wait=None, answers=answers, status="draft"))
    assert draft.unchosen == ["wait"]


def test_an_edition_without_rules_takes_any_wait(mini: Edition, judge1: User) -> None:
    """An imported edition keeps its data as the bundle gives it (the bundle format has no limits)."""
    clean = contact_clean(
        edition=mini, data=phone(mini, judge1, wait=2000, answers={"wait": 1, "greeting": 4, "solution": 7, "feeling": None})
    )
    assert {q.key: p for q, p in clean.points}["wait"] == 1


def test_the_import_applies_the_rules_and_names_the_line(rules: Edition, tmp_path: Any) -> None:
    from channels_app.bundle.format import BundleError
    from channels_app.bundle.importer import import_contacts_content

    header = (
        "ref,participant,channel,judge,happened_at,answered,wait_seconds,handled_by,voided,comment,"
        "phone.wait,phone.greeting,phone.solution,phone.feeling"
    )
    rows = [
        "W1,Tussa,phone,judge1,2021-03-01T10:00:00+01:00,true,150,agent,false,,3,4,7,",
        "W2,Tussa,phone,judge1,2021-03-01T11:00:00+01:00,true,150,agent,false,,5,4,7,",
        "W3,Tussa,phone,judge1,2021-03-01T12:00:00+01:00,true,400,agent,false,,0,4,7,",
    ]
    with pytest.raises(BundleError) as refused:
        import_contacts_content(edition=rules, content=("\n".join([header, *rows]) + "\n").encode())
    problems = [(p.line, p.column, p.reason) for p in refused.value.all()]
    assert problems == [
        (3, "phone.wait", "a wait of 2:30 earns 3 by the edition's bands, not 5"),
        (4, "wait_seconds", "a wait of 6:40 is past the limit for Phone (5:00): log the contact as not answered"),
    ]
    assert not Contact.objects.filter(ref__in=["W1", "W2", "W3"]).exists()  # all or nothing


def test_a_rule_is_checked_against_the_questionnaire(mini: Edition) -> None:
    errors = wait_rule_errors(
        channel="phone", limit_seconds=300, limit_working_days=3, question=None, question_key="speed", bands=[[60, 9]]
    )
    assert errors == {
        "limit_working_days": ["give the limit in seconds or in working days, not both"],
        "question_key": ["the phone questionnaire has no question “speed”"],
    }
    wait = mini.questions.get(channel="phone", key="wait")
    errors = wait_rule_errors(
        channel="phone", limit_seconds=0, limit_working_days=None, question=wait, question_key="wait", bands=[[60, 9]]
    )
    assert errors == {
        "limit_seconds": ["must be whole seconds from 1 to 2592000"],
        "bands": ["each band's points must be from 0 to 5, the question's maximum"],
    }


def post(participant: Participant, **fields: str) -> dict[str, str]:
    return {"participant": str(participant.pk), "happened_at": "2021-03-02T10:05", "answered": "on", **fields}


def test_the_site_form_shows_the_bands_and_scores_the_wait(rules: Edition, judge1: User, client_as: ClientAs) -> None:
    client = client_as("judge1")
    page = client.get("/work/contacts/new/?channel=phone")
    text = page.content.decode()
    assert 'name="q_wait"' not in text  # no buttons to override the bands with
    assert "Limit: 5:00; longer counts as unanswered." in text
    assert "up to 1:00 5 points, up to 2:00 4 points, up to 3:00 3 points, up to 5:00 1 point, longer 0 points" in text
    tussa = Participant.objects.get(edition=rules, name="Tussa")
    answers = {"q_greeting": "4", "q_solution": "7", "q_feeling": "na", "_submit": ""}
    too_long = client.post("/work/contacts/new/?channel=phone", {**post(tussa, wait="5:01"), **answers})
    assert too_long.status_code == 200
    assert too_long.context["form"].errors["wait"] == [
        "a wait of 5:01 is past the limit for Phone (5:00): log the contact as not answered"
    ]
    saved = client.post("/work/contacts/new/?channel=phone", {**post(tussa, wait="2:30"), **answers})
    assert saved.status_code == 302
    contact = Contact.objects.get(participant=tussa, happened_at=datetime(2021, 3, 2, 10, 5, tzinfo=OSLO))
    assert contact.wait_seconds == 150 and str(contact.score) == "70.0000"
    assert dict(contact.answers.values_list("question__key", "points"))["wait"] == 3
    assert 'value="2:30"' in client.get(f"/work/contacts/{contact.pk}/").content.decode()  # shown back as entered


def test_an_email_wait_is_when_the_reply_came(rules: Edition, judge1: User, client_as: ClientAs) -> None:
    client = client_as("judge1")
    text = client.get("/work/contacts/new/?channel=email").content.decode()
    assert 'name="received_at"' in text and 'name="wait"' not in text and "Limit: 3 working days" in text
    tussa = Participant.objects.get(edition=rules, name="Tussa")
    answers = {"q_wait": "4", "q_solution": "8", "_submit": ""}
    late = client.post("/work/contacts/new/?channel=email", {**post(tussa, received_at="2021-03-05T10:06"), **answers})
    assert late.context["form"].errors["received_at"] == [
        "a wait of 3 d 0 h is past the limit for E-mail (3 working days): log the contact as not answered"
    ]
    before = client.post("/work/contacts/new/?channel=email", {**post(tussa, received_at="2021-03-02T09:00"), **answers})
    assert before.context["form"].errors["received_at"] == ["The reply cannot come before the e-mail was sent."]
    saved = client.post("/work/contacts/new/?channel=email", {**post(tussa, received_at="2021-03-05T10:05"), **answers})
    assert saved.status_code == 302
    contact = Contact.objects.get(participant=tussa, channel="email", happened_at=datetime(2021, 3, 2, 10, 5, tzinfo=OSLO))
    assert contact.wait_seconds == 3 * 86400
    assert 'value="2021-03-05T10:05"' in client.get(f"/work/contacts/{contact.pk}/").content.decode()


def test_the_demo_keeps_its_contacts_inside_its_rules(demo: Any) -> None:
    """Every demo contact passes its edition's limits and bands: the generator fits its waits inside them."""
    edition = Edition.objects.get(year=2021)
    rules_ = {rule.channel: rule for rule in WaitRule.objects.filter(edition=edition)}
    assert set(rules_) == {"phone", "email", "chat", "messenger"} and rules_["email"].limit_working_days == 3
    answered = Contact.objects.filter(edition=edition, answered=True).prefetch_related("answers__question")
    checked = 0
    for contact in answered:
        rule = rules_[contact.channel]
        assert contact.wait_seconds is not None, contact.ref
        local = contact.happened_at.astimezone(OSLO)
        assert not past_limit(
            wait_seconds=contact.wait_seconds,
            happened_at=local,
            limit_seconds=rule.limit_seconds,
            limit_working_days=rule.limit_working_days,
        ), contact.ref
        points = {answer.question.key: answer.points for answer in contact.answers.all()}
        assert points[rule.question_key] == band_points(rule.bands, contact.wait_seconds), contact.ref
        checked += 1
    assert checked > 1000


def test_an_edition_an_organiser_creates_starts_with_the_limits(organiser: User, client_as: ClientAs) -> None:
    form = {
        "year": "2031",
        "name": "Kundeserviceprisen 2031",
        "starts_on": "2031-01-15",
        "ends_on": "2031-04-30",
        "min_contacts_per_channel": "3",
    }
    assert client_as("organiser").post("/admin/award/edition/add/", form).status_code == 302
    edition = Edition.objects.get(year=2031)
    assert sorted(WaitRule.objects.filter(edition=edition).values_list("channel", "limit_seconds", "limit_working_days")) == [
        ("chat", 300, None),
        ("email", None, 3),
        ("messenger", 1800, None),
        ("phone", 300, None),
    ]


def test_the_rule_form_in_the_admin_names_each_bad_field(rules: Edition, organiser: User, client_as: ClientAs) -> None:
    rule = WaitRule.objects.get(edition=rules, channel="chat")
    client = client_as("organiser")
    url = f"/admin/channels_app/waitrule/{rule.pk}/change/"
    form = {
        "edition": str(rules.pk),
        "channel": "chat",
        "limit_seconds": "5:00",
        "question_key": "wait",
        "bands": "1:00 4\n0:30 2",
    }
    page = client.post(url, form)
    assert page.status_code == 200
    assert page.context["adminform"].form.errors == {"bands": ["the bands' waits must be positive and rise from band to band"]}
    page = client.post(url, {**form, "limit_seconds": "5 min", "bands": "1:00 5\nfast 4"})
    assert page.context["adminform"].form.errors == {
        "limit_seconds": ["Give the limit as m:ss or h:mm:ss, such as 5:00."],
        "bands": ["line 2: write the longest wait and its points, such as “1:00 5”"],
    }
    assert client.post(url, {**form, "bands": "1:00 5\n\n5:00 2\n"}).status_code == 302
    saved = WaitRule.objects.get(pk=rule.pk)
    assert (saved.limit_seconds, saved.bands) == (300, [[60, 5], [300, 2]])
    shown = client.get(url).content.decode()
    assert 'value="5:00"' in shown and "1:00 5\n5:00 2</textarea>" in shown  # shown back as written
    assert client_as("judge1").get("/admin/channels_app/waitrule/").status_code == 403


@pytest.mark.parametrize("wait", ["", "abc"])
def test_a_missing_or_unreadable_wait_that_scores_a_question_is_said_at_the_wait(
    rules: Edition, judge1: User, wait: str, client_as: ClientAs
) -> None:
    tussa = Participant.objects.get(edition=rules, name="Tussa")
    answers = {"q_greeting": "4", "q_solution": "7", "q_feeling": "na", "_submit": ""}
    page = client_as("judge1").post("/work/contacts/new/?channel=phone", {**post(tussa, wait=wait), **answers})
    assert page.status_code == 200
    expected = {
        "": ["required: the wait scores the question “How long did you wait?”"],
        "abc": ["Give the wait as minutes:seconds (4:30) or hours:minutes:seconds (1:04:30)."],
    }[wait]
    assert page.context["form"].errors == {"wait": expected}


def test_an_email_without_its_reply_time_is_said_at_the_reply_time(rules: Edition, judge1: User, client_as: ClientAs) -> None:
    WaitRule.objects.filter(edition=rules, channel="email").update(question_key="wait", bands=[[86400, 5], [3 * 86400, 2]])
    tussa = Participant.objects.get(edition=rules, name="Tussa")
    for received, reason in (
        ("", "required: the wait scores the question “How fast was the reply?”"),
        ("2021-03-02T09:00", "The reply cannot come before the e-mail was sent."),
    ):
        page = client_as("judge1").post(
            "/work/contacts/new/?channel=email", {**post(tussa, received_at=received), "q_solution": "8", "_submit": ""}
        )
        assert page.status_code == 200 and page.context["form"].errors == {"received_at": [reason]}, received


def test_the_admin_form_says_a_cleared_wait_at_the_wait_too(rules: Edition, judge1: User, client_as: ClientAs) -> None:
    from tests.admin_forms import phone_form

    contact = Contact.objects.filter(edition=rules, judge=judge1, channel="phone", answered=True).first()
    assert contact is not None
    form = phone_form(rules, contact.participant.name, wait="", q_wait=None)
    page = client_as("judge1").post(f"/admin/channels_app/contact/{contact.pk}/change/", form)
    assert page.status_code == 200
    assert page.context["adminform"].form.errors["wait"] == ["required: the wait scores the question “How long did you wait?”"]


def test_a_draft_without_its_wait_says_the_wait_is_still_to_enter(rules: Edition, judge1: User, client_as: ClientAs) -> None:
    tussa = Participant.objects.get(edition=rules, name="Tussa")
    answers = {"q_greeting": "4", "q_solution": "7", "q_feeling": "na", "_draft": ""}
    page = client_as("judge1").post("/work/contacts/new/?channel=phone", {**post(tussa, wait=""), **answers}, follow=True)
    assert "saved as a draft, the wait still to enter: it counts nowhere until you submit it." in page.content.decode()


def test_a_band_past_the_limit_and_a_huge_wait_are_said_once(rules: Edition, judge1: User) -> None:
    wait = rules.questions.get(channel="phone", key="wait")
    errors = wait_rule_errors(
        channel="phone", limit_seconds=300, limit_working_days=None, question=wait, question_key="wait", bands=[[30, 5], [540, 4]]
    )
    assert errors == {"bands": ["a band past the limit (5:00) can never be reached"]}
    with pytest.raises(ContactInvalid) as refused:
        contact_clean(
            edition=rules, data=phone(rules, judge1, wait=10**20, answers={"greeting": 4, "solution": 7, "feeling": None})
        )
    assert refused.value.errors["wait_seconds"] == ["must be whole seconds from 0 to 2592000"]


def test_a_chat_draft_may_leave_who_answered_open(rules: Edition, judge1: User) -> None:
    data = phone(rules, judge1, wait=30, answers={}, status="draft")
    data.channel, data.handled_by = "chat", ""
    data.participant = Participant.objects.get(edition=rules, name="Sognenett")
    assert contact_clean(edition=rules, data=data).unchosen == ["wait", "solution", "tone"]
    data.status = "submitted"
    with pytest.raises(ContactInvalid) as refused:
        contact_clean(edition=rules, data=data)
    assert refused.value.errors["handled_by"] == ["required when the contact was answered"]
