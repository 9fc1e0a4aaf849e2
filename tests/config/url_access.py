"""What each persona gets from every URL pattern of the project: the classification the walk (test_url_walk) asserts.

The roles table of docs/architecture.md, page by page. Each pattern is named by its URL name with its namespaces
("dashboard:participant"), or by its route when it has no name. The admin's pages of a model (list, add, change,
history, delete, and the bare object URL that redirects to its change page) are classified once per model in
MODELS; every other pattern, the admin's own included, in PAGES. A pattern in neither fails the walk.
"""

from __future__ import annotations

from dataclasses import dataclass, field

PERSONAS = ("anonymous", "company_user", "other_company_user", "judge", "other_judge", "organiser")

# What a request gives: a status, or one of these (the walk turns each into "302 <where>").
LOGIN = "login"  # to the site's login page, ?next= the page asked for
ADMIN_LOGIN = "admin login"  # to the admin's login page, ?next= the page asked for
AWAY = "away"  # the admin's answer for an object outside what the user may see: to its index, "doesn't exist"
TO_CHANGE = "to change"  # the admin's bare object URL: to the object's change page
VIEW = "view"  # a change page the user may read but not change: GET 200, POST 403

Outcome = int | str  # a status, one of the words above, or a path it redirects to ("/work/")
Access = dict[str, Outcome]


def access(
    anonymous: Outcome,
    company_user: Outcome,
    other_company_user: Outcome,
    judge: Outcome,
    other_judge: Outcome,
    organiser: Outcome,
) -> Access:
    """Company user is participant A's, the other company user B's; judge made the contact and declared the conflict."""
    return dict(zip(PERSONAS, (anonymous, company_user, other_company_user, judge, other_judge, organiser), strict=True))


def every(outcome: Outcome) -> Access:
    return dict.fromkeys(PERSONAS, outcome)


def staff(organiser: Outcome, judge: Outcome, other_judge: Outcome | None = None) -> Access:
    """An admin page: whoever is not staff is sent to the admin's login first."""
    return access(ADMIN_LOGIN, ADMIN_LOGIN, ADMIN_LOGIN, judge, judge if other_judge is None else other_judge, organiser)


@dataclass(frozen=True)
class Page:
    """One case of a pattern: what GET (and, if given, a POST of no data) gives each persona.

    `params` are literal values of the pattern's parameters for this case (over the walk's world); `unpublished`
    asks with the year of the edition nothing has been published of; `query` is added to the address, with the
    world's values in its {braces}.
    """

    get: Access
    post: Access | None = None
    params: dict[str, str] = field(default_factory=dict)
    unpublished: bool = False
    query: str = ""


PUBLIC = every(200)
NOBODY = every(404)
PUBLISHED = (Page(PUBLIC), Page(NOBODY, unpublished=True))  # the published edition's year, then the unpublished one's
API_PUBLISHED = (Page(PUBLIC, post=every(405)), Page(NOBODY, unpublished=True))
OWN_DASHBOARD = access(LOGIN, 200, 404, 404, 404, 404)  # participant A's pages
JUDGES_ONLY = access(LOGIN, 403, 403, 200, 200, 403)

PAGES: dict[str, Page | tuple[Page, ...]] = {
    # The public site and API: published results only.
    "website:home": Page(PUBLIC),
    "website:archive": Page(PUBLIC),
    "website:how_it_works": Page(PUBLIC),
    "website:edition": PUBLISHED,
    "website:interim": PUBLISHED,
    "website:final": PUBLISHED,
    "website:badge_overall": PUBLISHED,
    "website:badge_class": PUBLISHED,
    "website:badge_channel": PUBLISHED,
    "api:editions": Page(PUBLIC, post=every(405)),
    "api:interim": API_PUBLISHED,
    "api:final": API_PUBLISHED,
    "api:publications": API_PUBLISHED,
    "api:not-found": Page(NOBODY, post=NOBODY, params={"path": "nothing/here/"}),
    # The API's schema and docs are public (they describe, they hold no data); tokens are their owner's.
    "api:schema": Page(PUBLIC, post=every(405)),
    "api:docs": Page(PUBLIC, post=every(405)),
    "api:tokens": Page(access(401, 200, 200, 200, 200, 200), post=every(415)),  # a POST's body is JSON
    "api:token": Page(access(401, 405, 405, 405, 405, 405), post=access(401, 405, 405, 405, 405, 405)),
    # The organisers' API: organisers only. The objects' pages are asked for an id nobody has (404); a POST of no data
    # is multipart, which the JSON endpoints refuse (415) and the upload finds without its file (400).
    "api:organiser:editions": Page(access(401, 403, 403, 403, 403, 200), post=access(401, 403, 403, 403, 403, 415)),
    "api:organiser:edition": Page(access(401, 403, 403, 403, 403, 200), post=access(401, 403, 403, 403, 403, 405)),
    "api:organiser:classes": Page(access(401, 403, 403, 403, 403, 200), post=access(401, 403, 403, 403, 403, 415)),
    "api:organiser:class": Page(
        access(401, 403, 403, 403, 403, 404), post=access(401, 403, 403, 403, 403, 405), params={"pk": "999999999"}
    ),
    "api:organiser:participants": Page(access(401, 403, 403, 403, 403, 200), post=access(401, 403, 403, 403, 403, 415)),
    "api:organiser:participant": Page(
        access(401, 403, 403, 403, 403, 404), post=access(401, 403, 403, 403, 403, 405), params={"pk": "999999999"}
    ),
    "api:organiser:questions": Page(access(401, 403, 403, 403, 403, 200), post=access(401, 403, 403, 403, 403, 415)),
    "api:organiser:question": Page(
        access(401, 403, 403, 403, 403, 404), post=access(401, 403, 403, 403, 403, 405), params={"pk": "999999999"}
    ),
    "api:organiser:conflicts": Page(access(401, 403, 403, 403, 403, 200), post=access(401, 403, 403, 403, 403, 415)),
    "api:organiser:conflict": Page(
        access(401, 403, 403, 403, 403, 404), post=access(401, 403, 403, 403, 403, 405), params={"pk": "999999999"}
    ),
    "api:organiser:plan": Page(access(401, 403, 403, 403, 403, 200), post=access(401, 403, 403, 403, 403, 415)),
    "api:organiser:standings": Page(access(401, 403, 403, 403, 403, 200), post=access(401, 403, 403, 403, 403, 405)),
    "api:organiser:scoring": Page(access(401, 403, 403, 403, 403, 200), post=access(401, 403, 403, 403, 403, 405)),
    "api:organiser:rescorings": Page(access(401, 403, 403, 403, 403, 405), post=access(401, 403, 403, 403, 403, 415)),
    "api:organiser:imports": Page(access(401, 403, 403, 403, 403, 200), post=access(401, 403, 403, 403, 403, 400)),
    "api:organiser:import": Page(
        access(401, 403, 403, 403, 403, 404), post=access(401, 403, 403, 403, 403, 405), params={"pk": "999999999"}
    ),
    "api:organiser:import_confirm": Page(
        access(401, 403, 403, 403, 403, 405), post=access(401, 403, 403, 403, 403, 404), params={"pk": "999999999"}
    ),
    "api:organiser:import_check": Page(
        access(401, 403, 403, 403, 403, 405), post=access(401, 403, 403, 403, 403, 404), params={"pk": "999999999"}
    ),
    "api:organiser:publication_preview": Page(
        access(401, 403, 403, 403, 403, 200), post=access(401, 403, 403, 403, 403, 405), query="kind=interim"
    ),
    "api:organiser:publications": Page(access(401, 403, 403, 403, 403, 200), post=access(401, 403, 403, 403, 403, 415)),
    "api:organiser:publication": Page(
        access(401, 403, 403, 403, 403, 404), post=access(401, 403, 403, 403, 403, 405), params={"pk": "999999999"}
    ),
    "set_language": Page(every("/"), post=every("/")),
    "^static/(?P<path>.*)$": Page(NOBODY, params={"path": "nothing-here.css"}),  # with DEBUG only
    # Company users' accounts.
    "accounts:login": Page(PUBLIC, post=PUBLIC),
    "accounts:logout": Page(every(405), post=every("/")),
    "accounts:password_reset": Page(PUBLIC, post=PUBLIC),
    "accounts:password_reset_done": Page(PUBLIC),
    "accounts:password_reset_confirm": Page(PUBLIC, post=PUBLIC),  # a link that is not valid: the page says so
    "accounts:invitation": Page(PUBLIC, post=PUBLIC),
    "accounts:password_reset_complete": Page(PUBLIC),
    # The company dashboard: one's own participant, 404 for anyone else's.
    "dashboard:home": Page(access(LOGIN, 200, 200, "/work/", "/work/", "/admin/")),
    "dashboard:year": Page(access(LOGIN, 200, 200, 404, 404, 404)),
    "dashboard:participant": Page(OWN_DASHBOARD),
    "dashboard:report": Page(OWN_DASHBOARD),
    "dashboard:contacts_csv": Page(OWN_DASHBOARD),
    "dashboard:chart": Page(OWN_DASHBOARD),
    # The companies' API and the token pages.
    "accounts:tokens": Page(access(LOGIN, 200, 200, 200, 200, 200), post=access(LOGIN, 200, 200, 200, 200, 200)),
    # No token of that id: nobody's (a token's own owner gets its page: tests/award/test_token_pages.py).
    "accounts:token_revoke": Page(
        access(LOGIN, 404, 404, 404, 404, 404), post=access(LOGIN, 404, 404, 404, 404, 404), params={"token_id": "9" * 18}
    ),
    "api:company:participants": Page(access(401, 200, 200, 403, 403, 403), post=access(401, 405, 405, 403, 403, 403)),
    "api:company:dashboard": Page(access(401, 200, 404, 403, 403, 403), post=access(401, 405, 405, 403, 403, 403)),
    "api:company:contacts": Page(access(401, 200, 404, 403, 403, 403), post=access(401, 405, 405, 403, 403, 403)),
    # The judges' pages on the site: their own contacts, 404 for another judge's.
    "judging:my_work": Page(JUDGES_ONLY),
    "judging:my_contacts": Page(JUDGES_ONLY),
    "judging:contact_new": Page(JUDGES_ONLY, post=JUDGES_ONLY),
    "judging:contact": Page(access(LOGIN, 403, 403, 200, 404, 403), post=access(LOGIN, 403, 403, 200, 404, 403)),
    "judging:my_conflicts": Page(JUDGES_ONLY, post=JUDGES_ONLY),
    # The judges' API: their own contacts, 404 for another judge's.
    "api:judge:questionnaire": Page(access(401, 403, 403, 200, 200, 403), post=access(401, 403, 403, 405, 405, 403)),
    "api:judge:work": Page(access(401, 403, 403, 200, 200, 403), post=access(401, 403, 403, 405, 405, 403)),
    "api:judge:contacts": Page(access(401, 403, 403, 200, 200, 403), post=access(401, 403, 403, 415, 415, 403)),  # JSON only
    "api:judge:contact": Page(access(401, 403, 403, 200, 404, 403), post=access(401, 403, 403, 405, 405, 403)),
    # Submitting the judge's submitted contact again changes nothing (the walk checks no change was written).
    "api:judge:contact_submit": Page(access(401, 403, 403, 405, 405, 403), post=access(401, 403, 403, 200, 404, 403)),
    # The admin's own pages.
    "admin:index": Page(staff(200, 200)),
    "admin:login": Page(access(200, 200, 200, "/admin/", "/admin/", "/admin/"), post=PUBLIC),
    # Whoever is not staff is sent to the admin's index (Django's AdminSite.admin_view), which sends them to its login.
    "admin:logout": Page(
        access("/admin/", "/admin/", "/admin/", 405, 405, 405), post=access("/admin/", "/admin/", "/admin/", 200, 200, 200)
    ),
    "admin:password_change": Page(staff(200, 200), post=staff(200, 200)),
    "admin:password_change_done": Page(staff(200, 200)),
    "admin:autocomplete": Page(staff(200, 403), query="app_label=award&model_name=membership&field_name=participant"),
    "admin:jsi18n": Page(staff(200, 200)),
    "admin:view_on_site": Page(staff(404, 404)),  # no model of ours has a page on the site
    "admin:app_list": (
        Page(staff(200, 404), params={"app_label": "auth"}),
        Page(staff(404, 404), params={"app_label": "axes"}),
        Page(staff(200, 404), params={"app_label": "audit"}),
        Page(staff(200, 404), params={"app_label": "award"}),
        Page(staff(200, 200), params={"app_label": "channels_app"}),
        Page(staff(200, 404), params={"app_label": "scoring"}),
        Page(staff(200, 404), params={"app_label": "publications"}),
    ),
    "admin/(?P<url>.*)$": Page(staff(404, 404), params={"url": "nothing-here/"}),
    "admin:auth_user_password_change": Page(staff(200, 403), post=staff(200, 403)),
    "admin:channels_app_contact_participants": Page(staff(200, 200), query="edition={edition_id}&channel=phone&term=Company"),
    "admin:channels_app_contact_upload": Page(staff(200, 403), post=staff(200, 403)),
    "admin:channels_app_contact_upload_job": Page(staff(200, 403)),
    "admin:channels_app_contact_upload_status": Page(staff(200, 403)),
    "admin:channels_app_contact_upload_confirm": Page(staff(405, 405), post=staff(409, 403)),  # not checked yet
    "admin:channels_app_contact_upload_recheck": Page(staff(405, 405), post=staff(409, 403)),
    "admin:channels_app_edition_season": Page(staff(200, 403)),
    "admin:scoring_edition_overview": Page(staff(200, 403)),
    "admin:publications_publication_json": Page(staff(200, 403)),
    "admin:publications_edition_publish": Page(staff(200, 403)),
    # A POST of nothing publishes nothing: the preview again (the walk checks no publication was made).
    "admin:publications_edition_publish_confirm": Page(staff(405, 403), post=staff(200, 403)),
}
OPTIONAL = {"^static/(?P<path>.*)$"}  # config.urls adds it only with DEBUG on
LOGS_OUT = {"accounts:logout", "admin:logout"}  # asked with a client of their own, so that the walk stays logged in

# The admin's pages of each model: (list, add, change, history, delete) for an organiser, a judge (the one who made
# the contact and declared the conflict) and the other judge (as the judge unless given).
ACTIONS = ("changelist", "add", "change", "history", "delete")
NOTHING = (403, 403, 403, 403, 403)
EVERYTHING = (200, 200, 200, 200, 200)
READ_ONLY = (200, 403, VIEW, 200, 403)


@dataclass(frozen=True)
class ModelPages:
    """The outcomes of a model's admin pages, in the order of ACTIONS, for each member of staff."""

    organiser: tuple[Outcome, ...]
    judge: tuple[Outcome, ...] = NOTHING
    other_judge: tuple[Outcome, ...] | None = None
    change_post: Access | None = None  # when a POST to the change page is not what its GET implies

    def page(self, action: str) -> Access:
        i = ACTIONS.index(action)
        return staff(self.organiser[i], self.judge[i], (self.other_judge or self.judge)[i])


MODELS: dict[str, ModelPages] = {
    "auth.group": ModelPages(READ_ONLY),
    "auth.user": ModelPages((200, 200, 200, 200, 403)),  # organisers make judges; nobody deletes an account here
    "axes.accessattempt": ModelPages(NOTHING),  # a superuser's
    "axes.accesslog": ModelPages(NOTHING),
    "axes.accessfailurelog": ModelPages(NOTHING),
    "audit.changerecord": ModelPages(READ_ONLY),
    "award.edition": ModelPages((200, 200, 200, 200, 403)),
    "award.awardclass": ModelPages(EVERYTHING),
    "award.participant": ModelPages(EVERYTHING),
    "award.membership": ModelPages((200, 200, VIEW, 200, 200)),  # added and removed, never changed
    "award.apitoken": ModelPages((200, 200, VIEW, 200, 403)),  # made and revoked by organisers, never changed or deleted
    # Declared once, never changed: a POST to the change page is refused before the conflict is looked for.
    "channels_app.judgeconflict": ModelPages(
        (200, 200, VIEW, 200, 200),
        judge=(200, 200, VIEW, 200, 403),
        other_judge=(200, 200, AWAY, AWAY, 403),
        change_post=staff(403, 403),
    ),
    "channels_app.plannedcontact": ModelPages(READ_ONLY),
    "channels_app.judgecapacity": ModelPages(EVERYTHING),
    "channels_app.plansettings": ModelPages(EVERYTHING),
    "channels_app.waitrule": ModelPages(EVERYTHING),
    "channels_app.openinghours": ModelPages(EVERYTHING),
    # The question has answers: the questionnaire keeps it.
    "channels_app.question": ModelPages((200, 200, 200, 200, 403), judge=(200, 403, VIEW, 200, 403)),
    "channels_app.contact": ModelPages(
        (200, 200, 200, 200, 403), judge=(200, 200, 200, 200, 403), other_judge=(200, 200, AWAY, AWAY, 403)
    ),
    "scoring.channelstanding": ModelPages(READ_ONLY),
    "scoring.overallstanding": ModelPages(READ_ONLY),
    "scoring.scoringstate": ModelPages(READ_ONLY),
    "publications.publication": ModelPages(READ_ONLY),
}


def model_pages(pages: ModelPages, action: str) -> Page:
    """A model's page, and a POST of no data to its forms: add, change, and a delete that must be refused."""
    got = pages.page(action)
    if action == "add":
        return Page(got, post=got)
    if action == "change":
        post = pages.change_post or {persona: 403 if outcome == VIEW else outcome for persona, outcome in got.items()}
        return Page({persona: 200 if outcome == VIEW else outcome for persona, outcome in got.items()}, post=post)
    if action == "delete":  # a POST confirms a deletion: only asked of those who must be refused
        return Page(got, post={p: o for p, o in got.items() if o != 200})
    return Page(got)
