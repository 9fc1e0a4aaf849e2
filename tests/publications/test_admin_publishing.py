"""Publishing from the admin: a preview of exactly what will be published, one confirmation, corrections, never an edit."""

from __future__ import annotations

import hashlib
import json
import re
from typing import Any

from audit.models import Source
from award.models import Edition
from channels_app.models import Contact
from channels_app.services import contact_void
from publications.models import Publication
from publications.services import publication_create
from tests.conftest import ClientAs

# Publishing -----------------------------------------------------------------------


def inside(pattern: str, page: str) -> str:
    """The first group of the pattern's first match in the page, which must have one."""
    found = re.search(pattern, page, re.S)
    assert found is not None, pattern
    return found.group(1)


def test_interim_preview_shows_the_top_three_and_averages_but_no_score(
    mini: Edition, organiser: Any, client_as: ClientAs, mini_expected: dict[str, Any]
) -> None:
    response = client_as("organiser").get(f"/admin/publications/publication/publish/{mini.pk}/interim/")

    assert response.status_code == 200
    expected = mini_expected["interim"]
    payload = response.context["preview"].payload
    assert {k: v for k, v in payload.items() if k != "published_at"} == expected
    page = response.content.decode()
    channels = {c["code"]: c for c in response.context["payload"]["channels"]}
    assert channels["phone"]["top3"] == ["Frende Forsikring", "Sixt", "Tussa"]
    assert str(channels["phone"]["average"]) == "73.3"
    for channel in ("phone", "email", "chat"):
        section = inside(rf'id="channel-{channel}">(.*?)</div>', page)
        assert all(name in section for name in expected["channels"][channel]["top3"])
        assert f"Field average: {expected['channels'][channel]['average']}" in section
    # No individual score anywhere on the page (Sixt's phone score is 98.3, Tussa's 96.7).
    assert "98.3" not in page and "96.7" not in page
    assert response.context["preview"].canonical in page.replace("&quot;", '"')


def test_final_preview_shows_rankings_with_scores_in_the_readers_language(
    mini: Edition, organiser: Any, client_as: ClientAs, mini_expected: dict[str, Any]
) -> None:
    client = client_as("organiser")
    url = f"/admin/publications/publication/publish/{mini.pk}/final/"

    response = client.get(url)

    expected = mini_expected["final"]
    assert {k: v for k, v in response.context["preview"].payload.items() if k != "published_at"} == expected
    overall = inside(r'id="overall">(.*?)</div>', response.content.decode())
    assert "Sixt (Car rental) (96.4)" in overall
    assert "<td>Tussa</td><td>Broadband</td><td>93.9</td>" in overall
    nb = client.get(url, HTTP_ACCEPT_LANGUAGE="nb").content.decode()
    assert "96,4" in nb and "96.4" not in nb.split('id="canonical-json"')[0]


def test_confirm_publishes_exactly_one_publication_and_shows_its_digest(
    mini: Edition, organiser: Any, client_as: ClientAs, mini_expected: dict[str, Any]
) -> None:
    client = client_as("organiser")
    preview = client.get(f"/admin/publications/publication/publish/{mini.pk}/interim/").context["preview"]

    response = client.post(
        f"/admin/publications/publication/publish/{mini.pk}/interim/confirm/", {"fingerprint": preview.fingerprint, "latest": ""}
    )

    publication = Publication.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/admin/publications/publication/{publication.pk}/change/"
    assert (publication.kind, publication.published_by, publication.supersedes) == ("interim", organiser.username, None)
    assert {k: v for k, v in json.loads(publication.payload).items() if k != "published_at"} == mini_expected["interim"]
    page = client.get(response["Location"]).content.decode()
    assert f"Published the interim results of 2021: {publication.digest}" in page
    assert "/api/v1/editions/2021/results/interim/" in page
    assert f"/admin/publications/publication/{publication.pk}/json/" in page

    raw = client.get(f"/admin/publications/publication/{publication.pk}/json/")
    assert raw["Content-Type"] == "application/json; charset=utf-8"
    assert "sha256:" + hashlib.sha256(raw.content).hexdigest() == publication.digest


def test_confirm_refuses_when_the_results_changed_since_the_preview(mini: Edition, organiser: Any, client_as: ClientAs) -> None:
    client = client_as("organiser")
    url = f"/admin/publications/publication/publish/{mini.pk}/interim/"
    reviewed = client.get(url).context["preview"]

    # Meanwhile a Sixt phone contact is voided: Sixt drops out of the phone top 3.
    contact_void(contact=Contact.objects.get(edition=mini, ref="P500"), reason="wrong number", source=Source.COMMAND)
    response = client.post(url + "confirm/", {"fingerprint": reviewed.fingerprint, "latest": ""})

    assert response.status_code == 200
    assert Publication.objects.count() == 0
    assert "Nothing was published. The results changed since you reviewed them." in response.content.decode()
    fresh = response.context["preview"]
    assert fresh.fingerprint != reviewed.fingerprint
    assert fresh.payload["channels"]["phone"]["top3"] == ["Frende Forsikring", "Sognenett", "Tussa"]
    assert response.context["form"]["fingerprint"].value() == fresh.fingerprint

    again = client.post(url + "confirm/", {"fingerprint": fresh.fingerprint, "latest": ""})
    assert again.status_code == 302
    assert json.loads(Publication.objects.get().payload)["channels"]["phone"]["top3"] == [
        "Frende Forsikring",
        "Sognenett",
        "Tussa",
    ]


def test_a_correction_names_the_latest_publication_and_needs_a_reason(mini: Edition, organiser: Any, client_as: ClientAs) -> None:
    client = client_as("organiser")
    first = publication_create(edition=mini, kind="final")
    url = f"/admin/publications/publication/publish/{mini.pk}/final/"
    preview = client.get(url).context["preview"]
    assert preview.latest == first
    data = {"fingerprint": preview.fingerprint, "latest": first.pk, "correct_latest": "on", "correction_reason": " "}

    refused = client.post(url + "confirm/", data)
    assert refused.status_code == 200
    assert list(refused.context["form"].errors["correction_reason"]) == ["Say why the publication corrects the earlier one."]
    assert Publication.objects.count() == 1

    stale = client.post(url + "confirm/", data | {"latest": "", "correction_reason": "Tussa's e-mail score"})
    assert stale.status_code == 200 and Publication.objects.count() == 1

    published = client.post(url + "confirm/", data | {"correction_reason": "Tussa's e-mail score"})
    assert published.status_code == 302
    correction = Publication.objects.filter(kind="final").newest_first().first()
    assert correction is not None
    assert (correction.supersedes, correction.correction_reason) == (first, "Tussa's e-mail score")


def test_confirm_needs_the_csrf_token(mini: Edition, organiser: Any, client_as: ClientAs) -> None:
    client = client_as("organiser", enforce_csrf_checks=True)
    preview = client.get(f"/admin/publications/publication/publish/{mini.pk}/interim/")
    fingerprint = preview.context["preview"].fingerprint

    refused = client.post(f"/admin/publications/publication/publish/{mini.pk}/interim/confirm/", {"fingerprint": fingerprint})
    assert refused.status_code == 403
    assert Publication.objects.count() == 0

    token = inside(r'name="csrfmiddlewaretoken" value="([^"]+)"', preview.content.decode())
    accepted = client.post(
        f"/admin/publications/publication/publish/{mini.pk}/interim/confirm/",
        {"fingerprint": fingerprint, "csrfmiddlewaretoken": token},
    )
    assert accepted.status_code == 302
    assert Publication.objects.count() == 1


def test_publications_stay_read_only(mini: Edition, organiser: Any, client_as: ClientAs) -> None:
    publication = publication_create(edition=mini, kind="interim")
    client = client_as("organiser")

    page = client.get(f"/admin/publications/publication/{publication.pk}/change/")
    assert page.status_code == 200
    assert page.context["has_change_permission"] is False
    assert client.post(f"/admin/publications/publication/{publication.pk}/change/", {"digest": "sha256:x"}).status_code == 403
    assert client.get(f"/admin/publications/publication/{publication.pk}/delete/").status_code == 403
    assert client.get("/admin/publications/publication/add/").status_code == 403
    assert Publication.objects.get().digest == publication.digest


def test_the_final_preview_warns_of_drafts_not_in_the_results_and_of_standings_it_brought_up_to_date(
    mini: Edition, organiser: Any, client_as: ClientAs
) -> None:
    from award.services import edition_data_changed

    client = client_as("organiser")
    url = f"/admin/publications/publication/publish/{mini.pk}/final/"
    quiet = client.get(url).content.decode()
    assert 'id="drafts-waiting"' not in quiet and 'id="standings-caught-up"' not in quiet

    Contact.objects.filter(ref="P001").update(status="draft")  # as a judge's unsubmitted contact would be
    edition_data_changed(edition_id=mini.pk)  # and its change not rescored yet (the task waits in the broker, say)
    page = client.get(url)

    text = page.content.decode()
    assert page.context["preview"].drafts == 1
    assert (
        "1 contact is saved as a draft and not submitted: it is not in these results. "
        "Ask its judge to submit it, or publish without it."
    ) in text
    assert f"?status__exact=draft&amp;edition__id__exact={mini.pk}" in text
    assert 'id="standings-caught-up"' in text


def test_the_overview_says_when_changes_made_the_final_publication_out_of_date(
    mini: Edition, organiser: Any, client_as: ClientAs, django_capture_on_commit_callbacks: Any
) -> None:
    client = client_as("organiser")
    overview = f"/admin/scoring/scoringstate/edition/{mini.pk}/overview/"
    publication_create(edition=mini, kind="final")
    assert "edition-notices" not in client.get(overview).content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        contact_void(contact=Contact.objects.get(ref="P001"), reason="A wrong number, found late", source=Source.ADMIN)
    page = client.get(overview).content.decode()

    assert "The contacts changed after the final results were published on " in page
    assert f'<a href="/admin/publications/publication/publish/{mini.pk}/final/">Publish a correction</a>' in page
    publish_page = client.get(f"/admin/publications/publication/publish/{mini.pk}/final/").content.decode()
    assert "Publish a correction</a>" in publish_page
