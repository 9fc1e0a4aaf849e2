"""Publication payloads (docs/results-api.md) from ranked results, and their canonical JSON and digest; pure, no ORM."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from scoring import rules
from scoring.results import EditionResults, Entrant, field_average


def _by_name(names: Iterable[str]) -> list[str]:
    return sorted(names, key=lambda name: (rules.name_key(name), name))


def _ranked(entries: Iterable[tuple[int, Entrant, Decimal | None]]) -> list[tuple[int, Entrant, Decimal | None]]:
    """results-api.md: by rank, then by name."""
    return sorted(entries, key=lambda entry: (entry[0], rules.name_key(entry[1].name), entry[1].name))


def published_at_text(moment: datetime) -> str:
    """results-api.md: ISO 8601 in UTC to the second, e.g. 2021-03-01T12:00:00+00:00."""
    return moment.astimezone(UTC).replace(microsecond=0).isoformat()


def interim_payload(results: EditionResults, *, published_at: datetime) -> dict[str, Any]:
    """scoring.md §6 interim: names of the top 3 per channel, never a score or an order."""
    channels = {}
    for channel in results.offered_channels():
        in_channel = results.in_channel(channel)
        top3 = [results.entrants[r.entrant_id].name for r in in_channel if r.rank is not None and r.rank <= 3]
        channels[channel] = {
            "top3": _by_name(top3),
            "average": rules.published(field_average(results, channel)),
            "participants": sum(1 for r in in_channel if r.score.contacts > 0),
        }
    return {"year": results.year, "kind": "interim", "published_at": published_at_text(published_at), "channels": channels}


def final_payload(results: EditionResults, *, published_at: datetime) -> dict[str, Any]:
    """scoring.md §6 final: winners and rankings per channel, per class and overall."""
    channels = {}
    for channel in results.offered_channels():
        ranked = _ranked(
            (r.rank, results.entrants[r.entrant_id], r.score.total) for r in results.in_channel(channel) if r.rank is not None
        )
        channels[channel] = {
            "average": rules.published(field_average(results, channel)),
            "winners": [{"name": e.name, "score": rules.published(s)} for rank, e, s in ranked if rank == 1],
            "ranking": [{"rank": rank, "name": e.name, "score": rules.published(s)} for rank, e, s in ranked],
        }
    overall = _ranked(
        (r.edition_rank, results.entrants[r.entrant_id], r.score.overall)
        for r in results.overall.values()
        if r.edition_rank is not None
    )
    classes = []
    for class_name in _by_name(results.classes):
        ranked = _ranked(
            (r.class_rank, results.entrants[r.entrant_id], r.score.overall)
            for r in results.overall.values()
            if r.class_rank is not None and results.entrants[r.entrant_id].class_name == class_name
        )
        classes.append(
            {
                "name": class_name,
                "winners": [{"name": e.name, "score": rules.published(s)} for rank, e, s in ranked if rank == 1],
                "ranking": [{"rank": rank, "name": e.name, "score": rules.published(s)} for rank, e, s in ranked],
            }
        )
    return {
        "year": results.year,
        "kind": "final",
        "published_at": published_at_text(published_at),
        "overall": {
            "winners": [
                {"name": e.name, "class": e.class_name, "score": rules.published(s)} for rank, e, s in overall if rank == 1
            ],
            "ranking": [
                {"rank": rank, "name": e.name, "class": e.class_name, "score": rules.published(s)} for rank, e, s in overall
            ],
        },
        "channels": channels,
        "classes": classes,
    }


def canonical_json(payload: Any) -> str:
    """scoring.md §6: keys sorted, UTF-8 (no \\u escapes), no insignificant white space."""
    return json.dumps(payload, sort_keys=True, ensure_ascii=False, separators=(",", ":"), allow_nan=False)


def digest_of(canonical: str) -> str:
    return "sha256:" + hashlib.sha256(canonical.encode("utf-8")).hexdigest()
