"""The contact plan: made deterministically, remade moving as little as possible, second tries, and its export."""

from __future__ import annotations

import csv
import io
import math
from collections import Counter
from datetime import time
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.utils import timezone, translation

from award.models import Edition, Participant
from award.roles import JUDGES
from channels_app.models import Contact, JudgeConflict, PlannedContact
from channels_app.plan_rules import channel_counts, working_days
from channels_app.planning import interleave, plan_edition
from tests.conftest import ClientAs
from tests.factories import ParticipantFactory, UserFactory


@pytest.fixture
def judges(mini: Edition, roles: None) -> list[Any]:
    """The sample's two judges and three more: enough for the share rule (at most 40 % of one participant's 25)."""
    group = Group.objects.get(name=JUDGES)
    for name in ("judge3", "judge4", "judge5"):
        UserFactory.create(username=name, is_staff=True).groups.add(group)
    return list(group.user_set.order_by("username"))


def plan_of(edition: Edition) -> list[tuple[Any, ...]]:
    return list(
        PlannedContact.objects.filter(edition=edition)
        .order_by("planned_at", "pk")
        .values_list("participant__name", "channel", "judge__username", "planned_at", "attempt", "contact__ref")
    )


def test_interleave_spreads_each_channel_among_the_others() -> None:
    assert interleave({"phone": 2, "email": 1}) == ["phone", "email", "phone"]
    order = interleave({"phone": 10, "email": 8, "chat": 7})
    assert Counter(order) == {"phone": 10, "email": 8, "chat": 7} and order[:3] == ["phone", "email", "chat"]


def test_every_participant_gets_its_contacts_by_the_key_inside_the_window(mini: Edition, judges: list[Any]) -> None:
    summary = plan_edition(edition=mini)

    participants = list(Participant.objects.filter(edition=mini).with_channels())
    assert summary.planned == 25 * len(participants) and summary.unassigned == 0
    days = set(working_days(mini.starts_on, mini.ends_on))
    for participant in participants:
        first = PlannedContact.objects.filter(participant=participant, attempt=1)
        assert Counter(first.values_list("channel", flat=True)) == {
            channel: n for channel, n in channel_counts(participant.channels).items() if n
        }
        for entry in first:
            local = timezone.localtime(entry.planned_at)
            assert local.date() in days and time(9, 0) <= local.time() < time(15, 0)
        per_judge = Counter(first.values_list("judge_id", flat=True))
        assert max(per_judge.values()) <= math.ceil(25 * 40 / 100)  # no judge takes more than 40 % of one participant


def test_the_same_inputs_give_the_same_plan_and_a_second_run_changes_nothing(mini: Edition, judges: list[Any]) -> None:
    plan_edition(edition=mini)
    first = plan_of(mini)

    first_summary = plan_edition(edition=mini)  # what the first run linked and tried again stays so
    again = plan_edition(edition=mini)

    assert (again.created, again.removed, again.moved, again.second_tries) == (0, 0, 0, 0)
    assert (again.planned, again.done) == (first_summary.planned, first_summary.done)
    assert plan_of(mini) == first


def test_the_sample_contacts_are_linked_and_the_unanswered_calls_tried_again_the_same_week(
    mini: Edition, judges: list[Any]
) -> None:
    summary = plan_edition(edition=mini)

    linked = PlannedContact.objects.filter(edition=mini, contact__isnull=False).select_related("contact")
    assert summary.done == linked.count() == Contact.objects.filter(edition=mini, status="submitted", voided=False).count()
    pairs = [(entry, entry.contact) for entry in linked if entry.contact is not None]
    assert all((contact.participant_id, contact.channel) == (e.participant_id, e.channel) for e, contact in pairs)
    unanswered = [(e, contact) for e, contact in pairs if e.channel in ("phone", "chat") and not contact.answered]
    assert unanswered and summary.second_tries == len(unanswered)
    for entry, contact in unanswered:
        tried = timezone.localtime(contact.happened_at).date()
        seconds = PlannedContact.objects.filter(participant=entry.participant, channel=entry.channel, attempt=2)
        days = [timezone.localtime(second.planned_at).date() for second in seconds]
        # Another day of the same week, or the next working day when it was the week's last.
        assert any(day > tried and (day.isocalendar()[:2] == tried.isocalendar()[:2] or tried.weekday() == 4) for day in days)


def test_a_plan_made_again_makes_a_few_queries_not_one_per_contact(
    mini: Edition, judges: list[Any], django_assert_max_num_queries: Any
) -> None:
    """The plan holds the edition's write lock: no query per contact (it was one per linked call or chat, 0.4 s at the
    demo's 1,200 contacts, and a preview waited behind it)."""
    plan_edition(edition=mini)
    plan_edition(edition=mini)
    linked = PlannedContact.objects.filter(edition=mini, contact__isnull=False, channel__in=("phone", "chat")).count()
    assert linked > 20

    with django_assert_max_num_queries(16):  # what the plan reads and its transaction, whatever the edition's size
        again = plan_edition(edition=mini)

    assert (again.created, again.removed, again.moved, again.second_tries) == (0, 0, 0, 0)


def test_a_new_participant_is_planned_without_moving_anyone_else(mini: Edition, judges: list[Any]) -> None:
    plan_edition(edition=mini)
    before = plan_of(mini)
    ParticipantFactory.create(edition=mini, name="Nykommer AS", channels=["phone", "email"])

    summary = plan_edition(edition=mini)

    assert (summary.created, summary.removed, summary.moved) == (25, 0, 0)
    assert [row for row in plan_of(mini) if row[0] != "Nykommer AS"] == before


def test_a_new_conflict_moves_only_that_judges_pending_contacts_of_that_participant(mini: Edition, judges: list[Any]) -> None:
    plan_edition(edition=mini)
    sixt = Participant.objects.get(edition=mini, name="Sixt")
    judge = PlannedContact.objects.filter(participant=sixt, contact__isnull=True).values_list("judge", flat=True).first()
    assert judge is not None
    theirs = PlannedContact.objects.filter(participant=sixt, judge=judge, contact__isnull=True).count()
    JudgeConflict.objects.create(judge_id=judge, participant=sixt)
    name = next(j.username for j in judges if j.pk == judge)
    before = {row for row in plan_of(mini) if not (row[0] == "Sixt" and row[2] == name)}

    summary = plan_edition(edition=mini)

    assert summary.moved == theirs and summary.created == summary.removed == 0
    assert not PlannedContact.objects.filter(participant=sixt, judge=judge, contact__isnull=True).exists()
    assert before <= set(plan_of(mini))  # everything else stays exactly where it was


def test_the_commands_plan_and_export_the_plan(mini: Edition, judges: list[Any], tmp_path: Path) -> None:
    out = io.StringIO()
    with translation.override("en"):
        call_command("plan", "2021", stdout=out)
        call_command("export_plan", "2021", str(tmp_path / "plan.csv"), stdout=io.StringIO())

    assert out.getvalue().startswith("Plan of 2021: 125 contacts planned, ")
    rows = list(csv.reader((tmp_path / "plan.csv").open(encoding="utf-8")))
    assert rows[0] == ["participant", "channel", "judge", "planned_at", "try"]
    assert len(rows) == 1 + PlannedContact.objects.filter(edition=mini).count()
    participant, channel, judge, planned_at, attempt = rows[1]
    assert participant in set(Participant.objects.filter(edition=mini).values_list("name", flat=True))
    assert channel in ("phone", "email", "chat", "messenger") and judge.startswith("judge")
    assert planned_at[-6:] in ("+01:00", "+02:00") and attempt in ("1", "2")


def test_a_judges_weekly_capacity_is_never_exceeded(mini: Edition, judges: list[Any]) -> None:
    from channels_app.models import JudgeCapacity

    judge1 = next(judge for judge in judges if judge.username == "judge1")
    JudgeCapacity.objects.create(edition=mini, judge=judge1, per_week=2)

    summary = plan_edition(edition=mini)

    weeks = Counter(
        timezone.localtime(entry.planned_at).isocalendar()[:2]
        for entry in PlannedContact.objects.filter(edition=mini, judge=judge1, contact__isnull=True)
    )
    assert weeks and max(weeks.values()) <= 2
    assert summary.unassigned == 0  # the other four judges take the rest
    again = plan_edition(edition=mini)
    assert (again.created, again.removed, again.moved) == (0, 0, 0)


def test_nothing_is_planned_on_the_days_without_testing(mini: Edition, judges: list[Any]) -> None:
    from channels_app.models import PlanSettings

    closed = ["2021-04-01", "2021-04-02", "2021-04-05"]  # Easter
    PlanSettings.objects.create(edition=mini, closed_days=closed)

    plan_edition(edition=mini)

    days = {timezone.localtime(e.planned_at).date().isoformat() for e in PlannedContact.objects.filter(edition=mini)}
    assert days and not days & set(closed)


def test_the_settings_form_refuses_a_bad_key_or_day(mini: Edition, organiser: Any, client_as: ClientAs) -> None:
    client = client_as("organiser")
    form = {
        "edition": mini.pk,
        "contacts_per_participant": 25,
        "key": '{"phone": 10, "fax": 3}',
        "window_opens": "09:00",
        "window_closes": "15:00",
        "max_judge_share": 40,
        "closed_days": '["2021-04-01", "1. mai"]',
    }

    response = client.post("/admin/channels_app/plansettings/add/", form)

    errors = response.context["adminform"].form.errors
    assert errors["key"] == ["“fax” is not a channel (use phone, email, chat, messenger)."]
    assert errors["closed_days"] == ["“1. mai” is not a date (YYYY-MM-DD)."]


def test_the_plan_commands_name_a_missing_edition_in_the_readers_language(db: None) -> None:
    from django.core.management import CommandError

    with translation.override("nb"), pytest.raises(CommandError) as raised:
        call_command("plan", "2031", stdout=io.StringIO())

    assert str(raised.value) == "Ingen årgang 2031."


def test_opening_hours_keep_a_participants_contacts_inside_them(mini: Edition, judges: list[Any]) -> None:
    from channels_app.models import OpeningHours

    plan_edition(edition=mini)
    sixt = Participant.objects.get(edition=mini, name="Sixt")
    others_before = [row for row in plan_of(mini) if row[0] != "Sixt"]
    pending = PlannedContact.objects.filter(participant=sixt, contact__isnull=True)
    outside = sum(1 for e in pending if not time(11, 0) <= timezone.localtime(e.planned_at).time() < time(14, 0))
    assert outside > 0  # the sample's plan has some from 09:00 to 11:00 and after 14:00
    OpeningHours.objects.create(participant=sixt, opens=time(11, 0), closes=time(14, 0))

    summary = plan_edition(edition=mini)

    times = [
        timezone.localtime(e.planned_at).time() for e in PlannedContact.objects.filter(participant=sixt, contact__isnull=True)
    ]
    assert times and all(time(11, 0) <= moment < time(14, 0) for moment in times)
    assert summary.moved == outside  # those moved, and only those
    assert [row for row in plan_of(mini) if row[0] != "Sixt"] == others_before  # nobody else moved
    assert plan_edition(edition=mini).moved == 0  # made again: nothing more to move


def test_opening_hours_outside_the_window_are_the_hours_tested(mini: Edition, judges: list[Any]) -> None:
    from channels_app.models import OpeningHours

    tussa = Participant.objects.get(edition=mini, name="Tussa")
    OpeningHours.objects.create(participant=tussa, opens=time(16, 0), closes=time(20, 0))
    plan_edition(edition=mini)
    times = [timezone.localtime(e.planned_at).time() for e in PlannedContact.objects.filter(participant=tussa)]
    assert len(times) == 25 and all(time(16, 0) <= moment < time(20, 0) for moment in times)


def test_emails_are_planned_before_noon_and_the_rest_fill_the_window(mini: Edition, judges: list[Any]) -> None:
    plan_edition(edition=mini)
    email = [timezone.localtime(e.planned_at).time() for e in PlannedContact.objects.filter(edition=mini, channel="email")]
    other = [
        timezone.localtime(e.planned_at).time() for e in PlannedContact.objects.filter(edition=mini).exclude(channel="email")
    ]
    assert email and all(time(9, 0) <= moment < time(12, 0) for moment in email)
    assert all(time(9, 0) <= moment < time(15, 0) for moment in other) and max(other) >= time(13, 0)
    assert plan_edition(edition=mini).moved == 0  # made again, nothing moves
