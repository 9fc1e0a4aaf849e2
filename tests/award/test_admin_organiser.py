"""The admin as the organisers' workplace: who may open which page; editions, classes, participants, memberships and accounts,
every rule through their forms, with history."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission

from audit.models import ChangeRecord
from award.admin_base import is_organiser
from award.models import AwardClass, Edition, Membership, Participant
from award.roles import JUDGES, ORGANISERS
from channels_app.models import Contact
from publications.models import Publication
from publications.services import publication_create
from tests.admin_forms import assert_error_next_to, changes_of, edition_data, participant_data
from tests.conftest import ClientAs
from tests.factories import AwardClassFactory, UserFactory

User = get_user_model()
PERSONAS = ["organiser", "judge", "other_judge", "company_user", "anonymous"]


@pytest.fixture
def world(mini: Edition, organiser: Any, judge: Any, other_judge: Any, company_user: Any) -> dict[str, Any]:
    """The mini edition, a publication, a membership and a class with nobody in it: something behind every URL."""
    publication = publication_create(edition=mini, kind="interim")
    empty_class = AwardClass.objects.create(edition=mini, name="Energy", slug="energy")
    return {
        "edition": mini,
        "class": AwardClass.objects.get(edition=mini, name="Broadband"),
        "empty_class": empty_class,
        "participant": Participant.objects.get(edition=mini, name="Sixt"),
        "membership": Membership.objects.get(user=company_user),
        "publication": publication,
        "judge": judge,
    }


def admin_urls(w: dict[str, Any]) -> list[str]:
    e, c, p, m, pub, j = (
        w["edition"].pk,
        w["class"].pk,
        w["participant"].pk,
        w["membership"].pk,
        w["publication"].pk,
        w["judge"].pk,
    )
    return [
        "/admin/award/edition/",
        "/admin/award/edition/add/",
        f"/admin/award/edition/{e}/change/",
        f"/admin/award/edition/{e}/history/",
        f"/admin/scoring/scoringstate/edition/{e}/overview/",
        f"/admin/publications/publication/publish/{e}/interim/",
        f"/admin/publications/publication/publish/{e}/final/",
        "/admin/award/awardclass/",
        "/admin/award/awardclass/add/",
        f"/admin/award/awardclass/{c}/change/",
        f"/admin/award/awardclass/{c}/history/",
        f"/admin/award/awardclass/{w['empty_class'].pk}/delete/",
        "/admin/award/participant/",
        "/admin/award/participant/add/",
        f"/admin/award/participant/{p}/change/",
        f"/admin/award/participant/{p}/history/",
        f"/admin/award/participant/{p}/delete/",
        "/admin/award/membership/",
        "/admin/award/membership/add/",
        f"/admin/award/membership/{m}/change/",
        f"/admin/award/membership/{m}/history/",
        f"/admin/award/membership/{m}/delete/",
        "/admin/publications/publication/",
        f"/admin/publications/publication/{pub}/change/",
        f"/admin/publications/publication/{pub}/json/",
        "/admin/audit/changerecord/",
        "/admin/auth/user/",
        "/admin/auth/user/add/",
        f"/admin/auth/user/{j}/change/",
        f"/admin/auth/user/{j}/history/",
    ]


# Who may open what ------------------------------------------------------------------


@pytest.mark.parametrize("persona", PERSONAS)
def test_permission_matrix(world: dict[str, Any], persona: str, client_as: ClientAs) -> None:
    client = client_as(persona)
    edition = world["edition"]
    confirm = f"/admin/publications/publication/publish/{edition.pk}/interim/confirm/"
    expected = {"organiser": 200, "judge": 403, "other_judge": 403}

    for url in admin_urls(world):
        response = client.get(url)
        if persona in expected:
            assert response.status_code == expected[persona], url
        else:
            assert response.status_code == 302, url
            assert response["Location"] == f"/admin/login/?next={url}", url

    response = client.post(confirm, {"fingerprint": "sha256:stale", "latest": world["publication"].pk})
    if persona in expected:
        # The organiser is shown the preview again (what they confirmed is not what would be published).
        assert response.status_code == expected[persona]
    else:
        assert response.status_code == 302
        assert response["Location"] == f"/admin/login/?next={confirm}"
    assert Publication.objects.count() == 1

    # Things nobody may do: delete an edition, GET a confirmation, an unknown kind.
    delete = client.get(f"/admin/award/edition/{edition.pk}/delete/")
    get_confirm = client.get(confirm)
    unknown = client.get(f"/admin/publications/publication/publish/{edition.pk}/draft/")
    if persona == "organiser":
        assert (delete.status_code, get_confirm.status_code, unknown.status_code) == (403, 405, 404)
    elif persona in expected:
        assert (delete.status_code, get_confirm.status_code, unknown.status_code) == (403, 403, 403)
    else:  # to the login page, like every other admin URL
        for response in (delete, get_confirm, unknown):
            assert response.status_code == 302
            assert response["Location"] == f"/admin/login/?next={response.wsgi_request.path}"


def test_superuser_counts_as_organiser(world: dict[str, Any], superuser: Any, client_as: ClientAs) -> None:
    client = client_as("superuser")
    for url in admin_urls(world):
        assert client.get(url).status_code == 200, url


def test_is_organiser_asks_the_database_once_per_request(organiser: Any, judge: Any, django_assert_num_queries: Any) -> None:
    from django.test import RequestFactory

    for user, answer in ((organiser, True), (judge, False)):
        request = RequestFactory().get("/")
        request.user = user
        with django_assert_num_queries(1):
            assert [is_organiser(request) for _ in range(3)] == [answer] * 3


def test_judge_with_view_permission_on_participants_still_gets_no_page(
    world: dict[str, Any], judge: Any, client_as: ClientAs
) -> None:
    """Another admin may let judges pick participants (autocomplete): the organisers' pages stay closed."""
    from django.contrib import admin

    judge.user_permissions.add(Permission.objects.get(codename="view_participant"))
    judge = User.objects.get(pk=judge.pk)
    client = client_as(judge)
    participant = world["participant"]

    for url in [
        "/admin/award/participant/",
        f"/admin/award/participant/{participant.pk}/change/",
        f"/admin/award/participant/{participant.pk}/history/",
    ]:
        assert client.get(url).status_code == 403, url
    index = client.get("/admin/")
    assert index.status_code == 200
    assert "/admin/award/participant/" not in index.content.decode()

    from django.test import RequestFactory

    request = RequestFactory().get("/")
    request.user = judge
    participant_admin = admin.site._registry[Participant]
    assert participant_admin.has_view_permission(request) is True
    assert participant_admin.has_module_permission(request) is False
    assert participant_admin.has_change_permission(request, participant) is False


def test_organiser_index_lists_the_workplace(world: dict[str, Any], organiser: Any, client_as: ClientAs) -> None:
    page = client_as("organiser").get("/admin/").content.decode()
    for url in ["/admin/award/edition/", "/admin/award/participant/", "/admin/award/membership/", "/admin/auth/user/"]:
        assert url in page


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"ends_on": "2022-01-09"}, "ends_on", "must not be before the start (2022-01-10)"),
        ({"year": 2021}, "year", "There already is an edition of 2021."),
        ({"year": 1899}, "year", "must be between 1900 and 9999"),
        ({"min_contacts_per_channel": 0}, "min_contacts_per_channel", "must be between 1 and 1000"),
        ({"name": "  "}, "name", "This field is required."),
    ],
)
def test_edition_add_refuses_bad_values_next_to_the_field(
    mini: Edition, organiser: Any, overrides: dict[str, Any], field: str, message: str, client_as: ClientAs
) -> None:
    records, editions = ChangeRecord.objects.count(), Edition.objects.count()

    response = client_as("organiser").post("/admin/award/edition/add/", edition_data(**overrides))

    assert_error_next_to(response, field, message)
    assert (ChangeRecord.objects.count(), Edition.objects.count()) == (records, editions)


def test_edition_add_goes_through_the_service_with_history(mini: Edition, organiser: Any, client_as: ClientAs) -> None:
    response = client_as("organiser").post("/admin/award/edition/add/", edition_data(publish_rankings=None))

    edition = Edition.objects.get(year=2022)
    assert response.status_code == 302
    assert response["Location"] == "/admin/award/edition/"
    assert (edition.name, edition.starts_on, edition.ends_on, edition.min_contacts_per_channel) == (
        "Customer Service Award 2022",
        date(2022, 1, 10),
        date(2022, 4, 10),
        3,
    )
    assert edition.publish_rankings is False
    assert edition.data_version == 1
    assert changes_of(edition) == [
        (
            "create",
            {
                "name": [None, "Customer Service Award 2022"],
                "starts_on": [None, "2022-01-10"],
                "ends_on": [None, "2022-04-10"],
                "min_contacts_per_channel": [None, 3],
                "publish_rankings": [None, False],
            },
            "admin",
            "organiser",
        )
    ]


def test_edition_change_records_each_field_and_keeps_the_year(mini: Edition, organiser: Any, client_as: ClientAs) -> None:
    version = mini.data_version
    data = edition_data(
        year=2099, name="Kundeserviceprisen 2021", starts_on="2021-01-15", ends_on="2021-04-30", min_contacts_per_channel=4
    )
    data.pop("publish_rankings")

    response = client_as("organiser").post(f"/admin/award/edition/{mini.pk}/change/", data)

    assert response.status_code == 302
    mini.refresh_from_db()
    assert (mini.year, mini.name, mini.ends_on, mini.min_contacts_per_channel, mini.publish_rankings) == (
        2021,
        "Kundeserviceprisen 2021",
        date(2021, 4, 30),
        4,
        False,
    )
    assert mini.data_version == version + 1  # the minimum changes who qualifies
    assert changes_of(mini)[-1] == (
        "update",
        {
            "name": ["Customer Service Award 2021", "Kundeserviceprisen 2021"],
            "ends_on": ["2021-04-12", "2021-04-30"],
            "min_contacts_per_channel": [3, 4],
            "publish_rankings": [True, False],
        },
        "admin",
        "organiser",
    )


def test_edition_change_refuses_dates_that_strand_counted_contacts(mini: Edition, organiser: Any, client_as: ClientAs) -> None:
    records = ChangeRecord.objects.count()
    outside = Contact.objects.counted().filter(edition=mini, happened_at__date__lt=date(2021, 2, 10)).count()
    assert outside == 18
    data = edition_data(name=mini.name, starts_on="2021-02-10", ends_on="2021-04-12")

    response = client_as("organiser").post(f"/admin/award/edition/{mini.pk}/change/", data)

    assert_error_next_to(response, "starts_on", "18 counted contacts would fall outside the new dates: void them first")
    mini.refresh_from_db()
    assert mini.starts_on == date(2021, 1, 15)
    assert ChangeRecord.objects.count() == records


def test_edition_pages_link_overview_and_publishing(mini: Edition, organiser: Any, client_as: ClientAs) -> None:
    client = client_as("organiser")
    links = [
        f"/admin/scoring/scoringstate/edition/{mini.pk}/overview/",
        f"/admin/publications/publication/publish/{mini.pk}/interim/",
        f"/admin/publications/publication/publish/{mini.pk}/final/",
    ]
    change = client.get(f"/admin/award/edition/{mini.pk}/change/").content.decode()
    changelist = client.get("/admin/award/edition/").content.decode()
    assert all(link in change and link in changelist for link in links)
    assert 'name="year"' not in change  # read-only once made


# Classes ---------------------------------------------------------------------------


def test_class_add_rename_and_remove_through_the_services(mini: Edition, organiser: Any, client_as: ClientAs) -> None:
    client = client_as("organiser")
    records = ChangeRecord.objects.count()

    duplicate = client.post("/admin/award/awardclass/add/", {"edition": mini.pk, "name": "Broadband"})
    assert_error_next_to(duplicate, "name", "2021 already has a class named Broadband")
    assert ChangeRecord.objects.count() == records

    assert client.post("/admin/award/awardclass/add/", {"edition": mini.pk, "name": "Energy"}).status_code == 302
    energy = AwardClass.objects.get(edition=mini, name="Energy")
    assert energy.slug == "energy"

    renamed = client.post(f"/admin/award/awardclass/{energy.pk}/change/", {"name": "Power"})
    assert renamed.status_code == 302
    energy.refresh_from_db()
    assert (energy.name, energy.slug) == ("Power", "energy")
    clash = client.post(f"/admin/award/awardclass/{energy.pk}/change/", {"name": "Insurance"})
    assert_error_next_to(clash, "name", "2021 already has a class named Insurance")

    assert client.post(f"/admin/award/awardclass/{energy.pk}/delete/", {"post": "yes"}).status_code == 302
    assert not AwardClass.objects.filter(pk=energy.pk).exists()
    assert [(action, changes, source) for action, changes, source, _ in changes_of(energy)] == [
        ("create", {"name": [None, "Energy"]}, "admin"),
        ("update", {"name": ["Energy", "Power"]}, "admin"),
        ("delete", {}, "admin"),
    ]


def test_class_with_participants_is_not_removed(mini: Edition, organiser: Any, client_as: ClientAs) -> None:
    broadband = AwardClass.objects.get(edition=mini, name="Broadband")

    response = client_as("organiser").post(f"/admin/award/awardclass/{broadband.pk}/delete/", {"post": "yes"})

    assert response.status_code == 200
    assert "Sognenett" in response.content.decode()  # named as what protects it
    assert AwardClass.objects.filter(pk=broadband.pk).exists()
    assert not ChangeRecord.objects.filter(action="delete").exists()


def test_participant_add_with_channels_and_history(mini: Edition, organiser: Any, client_as: ClientAs) -> None:
    version = mini.data_version

    response = client_as("organiser").post("/admin/award/participant/add/", participant_data(mini))

    assert response.status_code == 302
    kraftlag = Participant.objects.get(edition=mini, name="Kraftlag")
    assert (kraftlag.award_class.name, kraftlag.channels) == ("Broadband", ["phone", "email"])
    assert changes_of(kraftlag) == [
        (
            "create",
            {"name": [None, "Kraftlag"], "class": [None, "Broadband"], "channels": [None, ["phone", "email"]]},
            "admin",
            "organiser",
        )
    ]
    mini.refresh_from_db()
    assert mini.data_version == version + 1


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"name": "Sixt"}, "name", "2021 already has a participant named Sixt"),
        ({"award_class": "other edition"}, "award_class", "Bank is not a class of 2021"),
        ({"channels": ["phone", "fax"]}, "channels", "Select a valid choice. fax is not one of the available choices."),
    ],
)
def test_participant_add_refuses_bad_values_next_to_the_field(
    mini: Edition, organiser: Any, overrides: dict[str, Any], field: str, message: str, client_as: ClientAs
) -> None:
    if overrides.get("award_class") == "other edition":
        overrides = {"award_class": AwardClassFactory.create(name="Bank").pk}
    records, participants = ChangeRecord.objects.count(), Participant.objects.count()

    response = client_as("organiser").post("/admin/award/participant/add/", participant_data(mini, **overrides))

    assert_error_next_to(response, field, message)
    assert (ChangeRecord.objects.count(), Participant.objects.count()) == (records, participants)


def test_participant_change_refuses_dropping_a_channel_with_counted_contacts(
    mini: Edition, organiser: Any, client_as: ClientAs
) -> None:
    sognenett = Participant.objects.get(edition=mini, name="Sognenett")
    records = ChangeRecord.objects.count()
    data = participant_data(mini, name="Sognenett", channels=["phone", "email"])

    response = client_as("organiser").post(f"/admin/award/participant/{sognenett.pk}/change/", data)

    assert_error_next_to(response, "channels", "Sognenett has 3 counted contacts in chat: void them before dropping the channel")
    assert Participant.objects.get(pk=sognenett.pk).channels == ["phone", "email", "chat"]
    assert ChangeRecord.objects.count() == records


def test_participant_change_renames_moves_and_adds_a_channel(mini: Edition, organiser: Any, client_as: ClientAs) -> None:
    sixt = Participant.objects.get(edition=mini, name="Sixt")
    insurance = AwardClass.objects.get(edition=mini, name="Insurance")
    data = participant_data(mini, name="Sixt Norge", award_class=insurance.pk, channels=["phone", "chat", "messenger"])
    client = client_as("organiser")
    assert client.get(f"/admin/award/participant/{sixt.pk}/change/").context["adminform"].form["channels"].value() == [
        "phone",
        "chat",
    ]

    response = client.post(f"/admin/award/participant/{sixt.pk}/change/", data)

    assert response.status_code == 302
    sixt = Participant.objects.get(pk=sixt.pk)
    assert (sixt.name, sixt.award_class.name, sixt.channels) == ("Sixt Norge", "Insurance", ["phone", "chat", "messenger"])
    assert changes_of(sixt)[-2:] == [
        ("update", {"name": ["Sixt", "Sixt Norge"]}, "admin", "organiser"),
        (
            "update",
            {"class": ["Car rental", "Insurance"], "channels": [["phone", "chat"], ["phone", "chat", "messenger"]]},
            "admin",
            "organiser",
        ),
    ]


def test_participant_with_contacts_stays_and_one_without_is_removed(mini: Edition, organiser: Any, client_as: ClientAs) -> None:
    client = client_as("organiser")
    sixt = Participant.objects.get(edition=mini, name="Sixt")
    response = client.post(f"/admin/award/participant/{sixt.pk}/delete/", {"post": "yes"})
    assert response.status_code == 200  # Django names the contacts that protect it
    assert Participant.objects.filter(pk=sixt.pk).exists()

    client.post("/admin/award/participant/add/", participant_data(mini))
    kraftlag = Participant.objects.get(edition=mini, name="Kraftlag")
    confirm = client.get(f"/admin/award/participant/{kraftlag.pk}/delete/")
    assert confirm.status_code == 200 and confirm.context["perms_lacking"] == set()
    assert client.post(f"/admin/award/participant/{kraftlag.pk}/delete/", {"post": "yes"}).status_code == 302
    assert not Participant.objects.filter(pk=kraftlag.pk).exists()
    assert [action for action, *_ in changes_of(kraftlag)] == ["create", "delete"]


# Memberships ---------------------------------------------------------------------------


def test_membership_add_and_delete_with_history(mini: Edition, organiser: Any, judge: Any, client_as: ClientAs) -> None:
    client = client_as("organiser")
    reader = UserFactory.create(username="sixt_reader")
    sixt = Participant.objects.get(edition=mini, name="Sixt")
    tussa = Participant.objects.get(edition=mini, name="Tussa")
    records = ChangeRecord.objects.count()

    refused = client.post("/admin/award/membership/add/", {"user": judge.pk, "participant": sixt.pk})
    assert_error_next_to(refused, "user", "judge is a judge: a judge cannot be a company user")
    assert ChangeRecord.objects.count() == records

    assert client.post("/admin/award/membership/add/", {"user": reader.pk, "participant": sixt.pk}).status_code == 302
    membership = Membership.objects.get(user=reader)
    second = client.post("/admin/award/membership/add/", {"user": reader.pk, "participant": tussa.pk})
    assert_error_next_to(second, "participant", "sixt_reader is already linked to Sixt in this edition")

    assert client.post(f"/admin/award/membership/{membership.pk}/delete/", {"post": "yes"}).status_code == 302
    assert not Membership.objects.filter(user=reader).exists()
    assert changes_of(membership) == [
        ("create", {"user": [None, "sixt_reader"], "participant": [None, "Sixt"]}, "admin", "organiser"),
        ("delete", {"user": ["sixt_reader", None], "participant": ["Sixt", None]}, "admin", "organiser"),
    ]


# Accounts ---------------------------------------------------------------------------


def test_organiser_creates_a_judge(roles: None, organiser: Any, client_as: ClientAs) -> None:
    data = {"username": "judge7", "usable_password": "true", "password1": "a-Long-pass-123", "password2": "a-Long-pass-123"}

    response = client_as("organiser").post("/admin/auth/user/add/", data | {"role": "judge"})

    assert response.status_code == 302
    judge7 = User.objects.get(username="judge7")
    assert judge7.is_staff and not judge7.is_superuser
    assert list(judge7.groups.values_list("name", flat=True)) == [JUDGES]
    assert judge7.check_password("a-Long-pass-123")
    assert changes_of(judge7) == [("update", {"role": ["company", "judge"], "is_staff": [False, True]}, "admin", "organiser")]
    assert ChangeRecord.objects.get(object_id=judge7.pk, content_type__model="user").note == "account created"


def test_organiser_cannot_grant_rights_beyond_a_role(
    roles: None, organiser: Any, judge: Any, superuser: Any, client_as: ClientAs
) -> None:
    client = client_as("organiser")
    page = client.get(f"/admin/auth/user/{judge.pk}/change/")
    form = page.context["adminform"].form
    assert set(form.fields) == {"username", "password", "first_name", "last_name", "email", "role", "is_active"}
    assert form["role"].value() == "judge"

    data = {
        "username": "judge",
        "first_name": "Jo",
        "last_name": "",
        "email": "jo@example.org",
        "role": "judge",
        "is_active": "on",
        "is_superuser": "on",
        "is_staff": "on",
        "groups": [Group.objects.get(name=ORGANISERS).pk],
        "user_permissions": [Permission.objects.get(codename="delete_user").pk],
    }
    assert client.post(f"/admin/auth/user/{judge.pk}/change/", data).status_code == 302
    judge.refresh_from_db()
    assert (judge.first_name, judge.email, judge.is_superuser) == ("Jo", "jo@example.org", False)
    assert list(judge.groups.values_list("name", flat=True)) == [JUDGES]
    assert not judge.user_permissions.exists()
    assert changes_of(judge) == [("update", {"first_name": ["", "Jo"], "email": ["", "jo@example.org"]}, "admin", "organiser")]

    # Nor may they change a superuser (or set their password), or themselves into one.
    assert client.get(f"/admin/auth/user/{superuser.pk}/change/").status_code == 200  # view only
    assert client.post(f"/admin/auth/user/{superuser.pk}/change/", data | {"username": "root"}).status_code == 403
    assert client.get(f"/admin/auth/user/{superuser.pk}/password/").status_code == 403
    own = data | {"username": "organiser", "role": "organiser"}
    assert client.post(f"/admin/auth/user/{organiser.pk}/change/", own).status_code == 302
    organiser.refresh_from_db()
    assert not organiser.is_superuser and not organiser.user_permissions.exists()


def test_organiser_changes_a_role_and_a_judge_cannot_be_a_company_user(
    world: dict[str, Any], organiser: Any, judge: Any, company_user: Any, client_as: ClientAs
) -> None:
    client = client_as("organiser")
    base = {"first_name": "", "last_name": "", "email": "", "is_active": "on"}

    promoted = client.post(f"/admin/auth/user/{judge.pk}/change/", base | {"username": "judge", "role": "organiser"})
    assert promoted.status_code == 302
    assert list(User.objects.get(pk=judge.pk).groups.values_list("name", flat=True)) == [ORGANISERS]
    assert changes_of(judge)[-1] == ("update", {"role": ["judge", "organiser"]}, "admin", "organiser")

    records = ChangeRecord.objects.count()
    refused = client.post(f"/admin/auth/user/{company_user.pk}/change/", base | {"username": "company_a", "role": "judge"})
    assert_error_next_to(refused, "role", "company_a is linked to a participant: a judge cannot be a company user")
    assert ChangeRecord.objects.count() == records
    assert not User.objects.get(pk=company_user.pk).is_staff


def test_user_list_shows_and_filters_roles(world: dict[str, Any], organiser: Any, superuser: Any, client_as: ClientAs) -> None:
    client = client_as("organiser")
    UserFactory.create(username="nobody")

    def listed(query: str) -> dict[str, str]:
        response = client.get(f"/admin/auth/user/{query}")
        admin = response.context["cl"].model_admin
        return {u.username: admin.role_label(u) for u in response.context["cl"].result_list}

    assert listed("") == {
        "company_a": "Company user",
        "judge": "Judge",
        "judge1": "Judge",  # made by the import of the mini edition
        "judge2": "Judge",
        "nobody": "—",
        "organiser": "Organiser",
        "other_judge": "Judge",
        "root": "Organiser",
    }
    assert set(listed("?role=judge")) == {"judge", "judge1", "judge2", "other_judge"}
    assert set(listed("?role=organiser")) == {"organiser", "root"}
    assert set(listed("?role=company")) == {"company_a"}
    assert set(listed("?role=none")) == {"nobody"}


def test_a_refusal_the_form_did_not_foresee_is_a_message_not_an_error_page(
    mini: Edition, organiser: Any, monkeypatch: pytest.MonkeyPatch, client_as: ClientAs
) -> None:
    """A race: the form's check passed, the service's refuses when writing. The view's transaction is rolled back."""
    import award.forms

    monkeypatch.setattr(award.forms, "participant_check", lambda **kwargs: None)
    sognenett = Participant.objects.get(edition=mini, name="Sognenett")
    records = ChangeRecord.objects.count()
    url = f"/admin/award/participant/{sognenett.pk}/change/"
    data = participant_data(mini, name="Sognenett Nett", channels=["phone", "email"])

    response = client_as("organiser").post(url, data, follow=True)

    assert response.redirect_chain == [(url, 302)]
    assert [str(m) for m in response.context["messages"]] == [
        "Sognenett Nett has 3 counted contacts in chat: void them before dropping the channel"
    ]
    sognenett = Participant.objects.get(pk=sognenett.pk)
    assert (sognenett.name, sognenett.channels) == ("Sognenett", ["phone", "email", "chat"])  # the rename is rolled back too
    assert ChangeRecord.objects.count() == records
