"""The organisers' live overview of an edition: counted contacts against the minimum, who would be ranked now; query counts."""

from __future__ import annotations

from typing import Any

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from audit.models import Source
from award.models import AwardClass, Edition, Membership
from channels_app.models import Contact
from channels_app.services import contact_void
from publications.services import publication_create
from tests.conftest import ClientAs, record
from tests.factories import ParticipantFactory, UserFactory


def overview_lines(response: Any) -> dict[str, Any]:
    return {line.name: line for block in response.context["overview"].classes for line in block.participants}


def test_overview_counts_contacts_against_the_minimum_and_shows_live_ranks(
    mini: Edition, organiser: Any, client_as: ClientAs
) -> None:
    # One Sixt chat contact voided: Sixt falls below the minimum in chat, and so overall.
    contact_void(contact=Contact.objects.get(edition=mini, ref="C500"), reason="test", source=Source.COMMAND)

    response = client_as("organiser").get(f"/admin/scoring/scoringstate/edition/{mini.pk}/overview/")

    assert response.status_code == 200
    overview = response.context["overview"]
    assert [code for code, _ in overview.channels] == ["phone", "email", "chat"]
    assert [(block.name, [line.name for line in block.participants]) for block in overview.classes] == [
        ("Broadband", ["Sognenett", "Tussa"]),
        ("Car rental", ["Sixt"]),
        ("Insurance", ["Fjord Forsikring, avd. Øst", "Frende Forsikring"]),
    ]
    lines = overview_lines(response)
    sixt_phone, sixt_email, sixt_chat = lines["Sixt"].cells
    assert (sixt_phone.contacts, sixt_phone.qualified, sixt_phone.rank, str(sixt_phone.total)) == (3, True, 1, "98.3333")
    assert sixt_email is None
    assert (sixt_chat.contacts, sixt_chat.minimum, sixt_chat.qualified, sixt_chat.rank, sixt_chat.missing) == (
        2,
        3,
        False,
        None,
        1,
    )
    assert (lines["Sixt"].qualified, lines["Sixt"].class_rank, lines["Sixt"].edition_rank) == (False, None, None)
    frende_phone = lines["Frende Forsikring"].cells[0]
    assert (frende_phone.contacts, frende_phone.rank) == (3, 3)  # P303 is voided: it does not count
    assert (lines["Tussa"].class_rank, lines["Tussa"].edition_rank) == (1, 1)
    assert (lines["Fjord Forsikring, avd. Øst"].class_rank, lines["Fjord Forsikring, avd. Øst"].edition_rank) == (2, 4)
    page = response.content.decode()
    assert "not ranked: 1 more contact needed" in page
    assert "4 of 5 participants would be ranked overall" in page


def grow(edition: Edition, n: int) -> None:
    """n more participants, each with three counted phone contacts and a membership."""
    broadband = AwardClass.objects.get(edition=edition, name="Broadband")
    for i in range(n):
        participant = ParticipantFactory.create(
            edition=edition, award_class=broadband, name=f"Extra {i}", channels=["phone", "email"]
        )
        for k in range(3):
            record(
                edition,
                ref=f"X{i}-{k}",
                participant=participant,
                channel="phone",
                judge=UserFactory.create(username="judge1"),
                answers={"wait": 5, "greeting": k, "solution": 10, "feeling": None},
            )
        Membership.objects.create(user=UserFactory.create(username=f"reader{i}"), participant=participant)


def queries_of(client: Client, url: str) -> int:
    client.get(url)  # warm: standings brought current, content types cached
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


# Each list, and how many rows it shows once the data has grown (the overview: participants).
ADMIN_LISTS = {
    "/admin/scoring/scoringstate/edition/{edition}/overview/": 17,
    "/admin/award/participant/": 17,
    "/admin/award/awardclass/": 3,
    "/admin/award/membership/": 12,
    "/admin/award/edition/": 1,
    "/admin/publications/publication/": 3,
    "/admin/auth/user/": 15,  # organiser, judge1, judge2 and the 12 readers
}


def test_overview_and_lists_keep_their_query_count_as_the_data_grows(
    mini: Edition, organiser: Any, django_assert_max_num_queries: Any, client_as: ClientAs
) -> None:
    client = client_as("organiser")
    urls = {url.format(edition=mini.pk): rows for url, rows in ADMIN_LISTS.items()}
    publication_create(edition=mini, kind="interim")
    small = {url: queries_of(client, url) for url in urls}

    grow(mini, 12)
    publication_create(edition=mini, kind="final")
    publication_create(edition=mini, kind="interim")

    for url, rows in urls.items():
        client.get(url)
        with django_assert_max_num_queries(small[url]):
            response = client.get(url)
        assert response.status_code == 200, url
        shown = len(overview_lines(response)) if "overview" in url else response.context["cl"].result_count
        assert shown == rows, url
