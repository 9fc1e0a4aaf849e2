"""The chain of an edition's publications: each link is the sha256 of the previous link and the publication's own
digests, so that a publication altered or removed (even with the database's triggers dropped, and its digests
recomputed) breaks every link after it. Pure functions of plain values."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from publications.payload import canonical_json, digest_of


class Linked(Protocol):
    kind: str
    digest: str
    inputs_digest: str
    previous_link: str
    link: str

    @property
    def published_iso(self) -> str: ...


def link_of(*, previous_link: str, kind: str, published_iso: str, digest: str, inputs_digest: str) -> str:
    """The link of a publication: what it is, when, its payload's and its inputs' digests, after the previous link."""
    return digest_of(
        canonical_json(
            {"previous": previous_link, "kind": kind, "published_at": published_iso, "digest": digest, "inputs": inputs_digest}
        )
    )


def first_broken(chain: Sequence[Linked]) -> tuple[int, str] | None:
    """The position of the first publication (oldest first) whose link does not hold, and why; None when all hold."""
    previous = ""
    for position, publication in enumerate(chain):
        if publication.previous_link != previous:
            return position, "its previous link is not the link of the publication before it (one was altered or removed)"
        expected = link_of(
            previous_link=previous,
            kind=publication.kind,
            published_iso=publication.published_iso,
            digest=publication.digest,
            inputs_digest=publication.inputs_digest,
        )
        if publication.link != expected:
            return position, "its link does not match what it says (it was altered)"
        previous = publication.link
    return None
