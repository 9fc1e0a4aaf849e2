"""A walk of every URL (issue 11): each pattern of config.urls, filled with real objects, asked by every persona.

The patterns are read from the resolver itself (the admin's and every app's), so a page added later is walked too,
and fails until tests/config/url_access.py says who may open it. Each is asked with GET, and with a POST of no data
where the page takes one; the status and the redirect's target must be those of the classification, never a 500,
and no page a persona may open shows what the roles table keeps from them.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, time
from typing import Any
from urllib.parse import quote

import pytest
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib import admin
from django.contrib.auth.models import Group, User
from django.contrib.contenttypes.models import ContentType
from django.db.models import Model
from django.urls import URLPattern, URLResolver, get_resolver, resolve

from audit.models import ChangeRecord, Source
from award.accounts.tokens import token_create
from award.models import AwardClass, Edition, Membership, Participant
from award.roles import JUDGES
from channels_app.models import (
    Contact,
    ImportJob,
    JudgeCapacity,
    JudgeConflict,
    OpeningHours,
    PlannedContact,
    PlanSettings,
    WaitRule,
)
from publications.models import Publication
from publications.services import publication_create
from scoring.models import ChannelStanding, OverallStanding, ScoringState
from tests.config.url_access import (
    ACTIONS,
    ADMIN_LOGIN,
    AWAY,
    LOGIN,
    LOGS_OUT,
    MODELS,
    OPTIONAL,
    PAGES,
    PERSONAS,
    TO_CHANGE,
    Outcome,
    Page,
    model_pages,
    staff,
)
from tests.conftest import ClientAs, record
from tests.factories import QuestionFactory

JUDGE_NAMES = {"judge": "judge-ingrid-walk", "other_judge": "judge-ola-walk"}
# The contact judge made with participant A (company_user's), and other_judge's with B (other_company_user's).
REF_A, COMMENT_A = "WALK-A-1", "Walk: the comment on Company A"
REF_B, COMMENT_B = "WALK-B-1", "Walk: the comment on Company B"


# The patterns ---------------------------------------------------------------------------------

GROUP = r"\(\?P<(\w+)>[^)]*\)"  # a named group of a regular expression (re_path)
CONVERTER = r"<(?:\w+:)?(\w+)>"  # a path converter (path)


@dataclass(frozen=True)
class Route:
    """One pattern of config.urls: its whole route as the resolver joins it, its name with namespaces, its parameters."""

    route: str
    name: str | None
    params: tuple[str, ...]

    @property
    def key(self) -> str:
        return self.name or self.route

    def path(self, values: dict[str, str]) -> str:
        """The address with these values: each `<converter:name>` and `(?P<name>...)` replaced, the anchors dropped."""
        filled = re.sub(GROUP, lambda m: values[m.group(1)], self.route)
        filled = re.sub(CONVERTER, lambda m: values[m.group(1)], filled)
        return "/" + filled.replace("^", "").replace("$", "")


def routes(entries: list[Any] | None = None, prefix: str = "", namespace: str = "") -> Iterator[Route]:
    """Every URLPattern under config.urls, through every include and the admin's URLResolvers."""
    for entry in get_resolver().url_patterns if entries is None else entries:
        # Joined as django.urls.resolvers.URLResolver._join_route does, so that it equals ResolverMatch.route.
        route = prefix + str(entry.pattern).removeprefix("^") if prefix else str(entry.pattern)
        if isinstance(entry, URLResolver):
            inner = ":".join(part for part in (namespace, entry.namespace) if part)
            yield from routes(entry.url_patterns, route, inner)
        else:
            assert isinstance(entry, URLPattern)
            name = f"{namespace}:{entry.name}" if namespace and entry.name else entry.name
            params = re.findall(GROUP, route) + re.findall(CONVERTER, re.sub(GROUP, "", route))
            yield Route(route, name, tuple(params))


def admin_model(route: Route) -> str | None:
    """The label of the model whose admin pages the pattern is under (its object_id is of that model), if any."""
    for model in admin.site._registry:
        if route.route.startswith(f"admin/{model._meta.app_label}/{model._meta.model_name}/"):
            return model._meta.label_lower
    return None


def model_admin_page(route: Route) -> tuple[str, str] | None:
    """(model label, action) for the admin's own pages of a registered model; None for any other pattern."""
    label = admin_model(route)
    if label is None:
        return None
    app_label, model_name = label.split(".")
    if route.name is None and route.route == f"admin/{app_label}/{model_name}/<path:object_id>/":
        return label, "object"
    actions = [action for action in ACTIONS if route.name == f"admin:{app_label}_{model_name}_{action}"]
    return (label, actions[0]) if actions else None


def pages_of(route: Route) -> tuple[Page, ...] | None:
    """The classification of a pattern: its cases, or None when nobody classified it."""
    found = model_admin_page(route)
    if found is not None:
        label, action = found
        if label not in MODELS:
            return None
        if action == "object":
            return (Page(staff(TO_CHANGE, TO_CHANGE)),)  # the bare object URL: to its change page, whoever asks
        return (model_pages(MODELS[label], action),)
    pages = PAGES.get(route.key)
    return None if pages is None else pages if isinstance(pages, tuple) else (pages,)


def test_every_pattern_is_classified() -> None:
    walked = list(routes())
    keys = [route.key for route in walked]
    unclassified = [key for route, key in zip(walked, keys, strict=True) if pages_of(route) is None]
    assert unclassified == [], f"URL patterns nobody classified in tests/config/url_access.py: {unclassified}"
    assert len(keys) == len(set(keys)), f"two patterns with one name: {sorted(k for k in keys if keys.count(k) > 1)}"
    classified = {route.key for route in walked if model_admin_page(route) is None}
    stale = sorted(set(PAGES) - classified - OPTIONAL)
    assert stale == [], f"classified, but no such pattern: {stale}"
    registered = {model._meta.label_lower for model in admin.site._registry}
    assert sorted(set(MODELS) - registered) == [], "classified, but not in the admin"


# The world ------------------------------------------------------------------------------------


@dataclass
class World:
    """The objects whose pages are walked, and the values that fill the patterns' parameters."""

    params: dict[str, str]
    unpublished_year: str
    objects: dict[str, Model]  # model label -> the object whose admin pages are asked for
    hidden: dict[str, list[str]]  # persona -> what no page they may open shows

    def values(self, route: Route, page: Page) -> dict[str, str]:
        values = dict(self.params)
        if route.name and route.name.startswith("dashboard:"):
            values["year"] = self.unpublished_year  # participant A is enrolled in the edition running now
        if page.unpublished:
            values["year"] = self.unpublished_year
        label = admin_model(route)
        if label is not None:
            values["object_id"] = str(self.objects[label].pk)
        return values | page.params


@pytest.fixture
def world(
    mini: Edition,
    organiser: User,
    judge: User,
    other_judge: User,
    company_user: User,
    other_company_user: User,
    participant_a: Participant,
    participant_b: Participant,
) -> World:
    """mini (2021) with its interim and final results published; participant A's edition, running, unpublished."""
    for persona, user in (("judge", judge), ("other_judge", other_judge)):
        user.username = JUDGE_NAMES[persona]
        user.save()
    interim = publication_create(edition=mini, kind="interim", published_at=datetime(2021, 3, 1, 12, tzinfo=UTC))
    publication_create(edition=mini, kind="final", published_at=datetime(2021, 4, 20, 12, tzinfo=UTC))
    edition = participant_a.edition
    question = QuestionFactory.create(edition=edition, channel="phone", key="solution", max_points=10)
    contact = record(
        edition, ref=REF_A, participant=participant_a, channel="phone", judge=judge, answers={"solution": 8}, comment=COMMENT_A
    )
    record(
        edition,
        ref=REF_B,
        participant=participant_b,
        channel="phone",
        judge=other_judge,
        answers={"solution": 3},
        comment=COMMENT_B,
    )
    conflict = JudgeConflict.objects.create(judge=judge, participant=participant_b, reason="My sister works there")
    moment = datetime(edition.year, 3, 1, 10, tzinfo=UTC)
    attempt = {"user_agent": "walk", "ip_address": "10.0.0.1", "username": "nobody", "http_accept": "*/*", "path_info": "/"}
    objects: dict[str, Model] = {
        "auth.group": Group.objects.get(name=JUDGES),
        "auth.user": company_user,
        "axes.accessattempt": AccessAttempt.objects.create(**attempt, get_data="", post_data="", failures_since_start=1),
        "axes.accesslog": AccessLog.objects.create(**attempt),
        "axes.accessfailurelog": AccessFailureLog.objects.create(**attempt),
        "audit.changerecord": ChangeRecord.objects.latest("pk"),
        "award.edition": edition,
        "award.awardclass": participant_a.award_class,
        "award.participant": participant_a,
        "award.membership": Membership.objects.get(user=company_user),
        "award.apitoken": token_create(owner=company_user, name="Walk: A's script", scopes=["read"], source=Source.COMMAND).token,
        "channels_app.judgeconflict": conflict,
        "channels_app.plannedcontact": PlannedContact.objects.create(
            edition=edition, participant=participant_a, channel="phone", judge=judge, planned_at=moment
        ),
        "channels_app.judgecapacity": JudgeCapacity.objects.create(edition=edition, judge=judge, per_week=5),
        "channels_app.plansettings": PlanSettings.objects.get_or_create(edition=edition)[0],
        "channels_app.waitrule": WaitRule.objects.get_or_create(edition=edition, channel="messenger", limit_seconds=1800)[0],
        "channels_app.openinghours": OpeningHours.objects.create(participant=participant_a, opens=time(10), closes=time(15)),
        "channels_app.question": question,
        "channels_app.contact": contact,
        "scoring.channelstanding": ChannelStanding.objects.filter(edition=mini).earliest("pk"),
        "scoring.overallstanding": OverallStanding.objects.filter(edition=mini).earliest("pk"),
        "scoring.scoringstate": ScoringState.objects.get(edition=mini),
        "publications.publication": interim,
    }
    assert sorted(objects) == sorted(MODELS), "an object for the admin pages of each model"
    job = ImportJob.objects.create(name="contacts.csv", size=1, sha256="0" * 64, edition=edition, uploaded_by=organiser)
    final_channel, final_class = "phone", AwardClass.objects.get(edition=mini, name="Car rental")  # Sixt won both
    params = {
        "year": str(mini.year),
        "participant_id": str(participant_a.pk),
        "channel": final_channel,
        "slug": final_class.slug,
        "pk": str(contact.pk),
        "uidb64": "MQ",
        "token": "no-such-token",
        "edition_id": str(edition.pk),
        "kind": "interim",
        "job_id": str(job.pk),
        "id": str(company_user.pk),
        "content_type_id": str(ContentType.objects.get_for_model(Contact).pk),
        "object_id": str(contact.pk),
    }
    judges = list(JUDGE_NAMES.values())
    a, b = [REF_A, COMMENT_A], [REF_B, COMMENT_B]
    hidden = {
        "anonymous": [*a, *b, *judges, participant_a.name, participant_b.name],  # nothing of the unpublished edition
        "company_user": [*b, participant_b.name, *judges],  # no other participant's data, no judge's name
        "other_company_user": [*a, participant_a.name, *judges],
        "judge": [*b, JUDGE_NAMES["other_judge"]],  # no other judge's contacts
        "other_judge": [*a, JUDGE_NAMES["judge"]],
        "organiser": [],
    }
    return World(params, str(edition.year), objects, hidden)


# The walk -------------------------------------------------------------------------------------


def expected(outcome: Outcome, path: str) -> str:
    """An outcome as the walk writes what it got: the status, and where a redirect goes."""
    if outcome == LOGIN:
        return f"302 /accounts/login/?next={quote(path, safe='/')}"
    if outcome == ADMIN_LOGIN:
        return f"302 /admin/login/?next={quote(path, safe='/')}"
    if outcome == AWAY:
        return "302 /admin/"
    if outcome == TO_CHANGE:
        return f"302 {path}change/"
    if isinstance(outcome, str):
        return f"302 {outcome}"
    return str(outcome)


def got(response: Any, hidden: list[str]) -> str:
    if 300 <= response.status_code < 400:
        return f"{response.status_code} {response['Location']}"
    shown = []
    if response.status_code == 200 and hidden:
        body = b"".join(response.streaming_content) if response.streaming else response.content
        shown = [text for text in hidden if text in body.decode("utf-8", "replace")]
    return f"{response.status_code} showing {shown}" if shown else str(response.status_code)


@pytest.mark.parametrize("persona", PERSONAS)
def test_every_url_as_each_persona(persona: str, world: World, client_as: ClientAs, unthrottled: None) -> None:
    client = client_as(persona)
    client.raise_request_exception = False  # a 500 is written down with the rest, not raised at the first
    publications, changes = Publication.objects.count(), ChangeRecord.objects.count()
    answers: dict[str, str] = {}
    wanted: dict[str, str] = {}
    for route in routes():
        pages = pages_of(route)
        assert pages is not None, f"{route.key} is not classified"
        for page in pages:
            values = world.values(route, page)
            assert set(route.params) <= set(values), f"nothing to fill {set(route.params) - set(values)} of {route.key}"
            path = route.path(values)
            match = resolve(path)
            assert match.route == route.route, f"{path} is {match.route}, not {route.route}"
            address = f"{path}?{page.query.format(**world.params)}" if page.query else path
            for method, outcomes in (("GET", page.get), ("POST", page.post or {})):
                if persona not in outcomes:
                    continue
                asking = client_as(persona) if route.key in LOGS_OUT else client
                asking.raise_request_exception = False
                response = asking.get(address) if method == "GET" else asking.post(address, {})
                answers[f"{method} {address}"] = got(response, world.hidden[persona])
                wanted[f"{method} {address}"] = expected(outcomes[persona], address)
    assert [f"{asked}: {answer}" for asked, answer in answers.items() if answer.startswith("5")] == []
    assert answers == wanted
    # Nothing asked with no data wrote anything: no publication, no change.
    assert (Publication.objects.count(), ChangeRecord.objects.count()) == (publications, changes)
