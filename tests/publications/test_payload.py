"""Canonical JSON and its digest (scoring.md §6), without a database."""

from __future__ import annotations

from publications.payload import canonical_json, digest_of


def test_canonical_json_and_digest() -> None:
    text = canonical_json({"b": 1, "a": {"ø": "Sognenett", "list": [1, 2]}})
    assert text == '{"a":{"list":[1,2],"ø":"Sognenett"},"b":1}'
    assert digest_of(text) == "sha256:" + __import__("hashlib").sha256(text.encode()).hexdigest()
