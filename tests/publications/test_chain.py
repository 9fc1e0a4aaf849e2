"""The chain of an edition's publications: a forger who drops the triggers and recomputes a publication's digests,
or removes one, breaks a link that verify_publication names; the archive lists the links."""

from __future__ import annotations

import io
from datetime import UTC, datetime

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from award.models import Edition
from publications.chain import link_of
from publications.models import Publication, PublicationKind
from publications.payload import digest_of
from publications.services import publication_create, publications_verify
from tests.publications.test_publications import forge


@pytest.fixture
def three(mini: Edition) -> list[Publication]:
    """An interim, a second interim and a final, a minute apart."""
    return [
        publication_create(edition=mini, kind=kind, published_at=datetime(2021, 4, 20, 12, minute, tzinfo=UTC))
        for minute, kind in ((0, PublicationKind.INTERIM), (1, PublicationKind.INTERIM), (2, PublicationKind.FINAL))
    ]


def verify(year: int = 2021) -> tuple[int, str]:
    out = io.StringIO()
    try:
        call_command("verify_publication", str(year), stdout=out)
    except CommandError as error:
        return 1, out.getvalue() + str(error)
    return 0, out.getvalue()


def test_each_publication_links_to_the_one_before(three: list[Publication]) -> None:
    first, second, final = three
    assert first.previous_link == "" and second.previous_link == first.link and final.previous_link == second.link
    assert final.link == link_of(
        previous_link=second.link,
        kind="final",
        published_iso="2021-04-20T12:02:00+00:00",
        digest=final.digest,
        inputs_digest=final.inputs_digest,
    )
    code, out = verify()
    assert code == 0 and out.strip().endswith("OK: all 3 publications of 2021 verify, and their chain holds.")
    assert out.count("OK: the publication is intact") == 3


def test_an_older_publication_forged_with_its_digests_recomputed_is_named(three: list[Publication]) -> None:
    first = three[0]
    payload = first.payload.replace('"top3":["', '"top3":["Forged AS","', 1)
    assert payload != first.payload
    with connection.cursor() as cursor:
        forge(
            cursor,
            "UPDATE publications_publication SET payload = %s, digest = %s WHERE id = %s",
            [payload, digest_of(payload), first.pk],
        )
    code, out = verify()
    assert code == 1
    assert out.strip().endswith(
        f"First failure: interim published 2021-04-20T12:00:00+00:00, {digest_of(payload)}: "
        "the chain breaks here: its link does not match what it says (it was altered)."
    )
    assert publications_verify(edition=first.edition).broken[0].pk == first.pk  # type: ignore[index]


def test_a_forger_who_relinks_the_forged_one_breaks_the_next(three: list[Publication]) -> None:
    first, second, _final = three
    payload = first.payload.replace('"top3":["', '"top3":["Forged AS","', 1)
    link = link_of(
        previous_link="",
        kind="interim",
        published_iso=first.published_iso,
        digest=digest_of(payload),
        inputs_digest=first.inputs_digest,
    )
    with connection.cursor() as cursor:
        forge(
            cursor,
            "UPDATE publications_publication SET payload = %s, digest = %s, link = %s WHERE id = %s",
            [payload, digest_of(payload), link, first.pk],
        )
    verified = publications_verify(edition=first.edition)
    assert not verified.ok and verified.broken is not None and verified.broken[0].pk == second.pk
    # The forged one also no longer reproduces from the contacts it was made from.
    assert not verified.reports[0].reproduced


def test_a_removed_publication_breaks_the_chain_at_the_next(three: list[Publication]) -> None:
    _first, second, final = three
    with connection.cursor() as cursor:
        # Its frozen averages and inputs with it: they name the publication they were frozen with.
        removal = [
            "DELETE FROM publications_publishedaverages WHERE publication_id = %s",
            "DELETE FROM publications_publishedinputs WHERE publication_id = %s",
            "DELETE FROM publications_publication WHERE id = %s",
        ]
        forge(cursor, removal, [second.pk])
    code, out = verify()
    assert code == 1 and f"First failure: final published 2021-04-20T12:02:00+00:00, {final.digest}: the chain breaks here" in out


def test_nothing_published_is_said(mini: Edition) -> None:
    assert verify() == (1, "Nothing of 2021 has been published.")


def test_the_archive_lists_every_digest_and_link(three: list[Publication], client: object) -> None:
    from django.test import Client

    text = Client().get("/2021/").content.decode()
    for publication in three:
        assert publication.digest in text and publication.link in text
