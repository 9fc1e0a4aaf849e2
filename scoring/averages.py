"""The sums behind the anonymous averages a company sees, frozen with each publication (publications.PublishedAverages).

The dashboard shows a participant's own figures live, but the field and class
averages and the field's share of each performance area only as they stood at
the latest publication: averages that followed every new contact would let a
company read a newcomer's score from how far one contact moved them. These are
plain integers (a channel total's ten-thousandths, points), so the dashboard
applies scoring.rules to them exactly as it would to live sums.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db.models import BigIntegerField, Count, Sum
from django.db.models.functions import Cast

from award.models import Edition
from scoring.models import ChannelStanding, QuestionPoints


@dataclass(frozen=True)
class FieldSums:
    """The field's sums per channel and class, and per channel and performance area."""

    # (channel, class id) -> (sum of the channel totals in units, participants with a counted contact there)
    classes: dict[tuple[str, int], tuple[int, int]] = field(default_factory=dict)
    # (channel, area) -> (points given, points possible, participants with points in it): scored questions only
    areas: dict[tuple[str, str], tuple[int, int, int]] = field(default_factory=dict)

    def channel(self, channel: str) -> tuple[int, int]:
        """(units, participants) of the whole field in a channel."""
        rows = [sums for (code, _class), sums in self.classes.items() if code == channel]
        return sum(units for units, _n in rows), sum(n for _units, n in rows)

    def of_class(self, channel: str, class_id: int) -> tuple[int, int]:
        return self.classes.get((channel, class_id), (0, 0))

    def area(self, channel: str, area: str) -> tuple[int, int, int]:
        return self.areas.get((channel, area), (0, 0, 0))

    def to_json(self) -> dict[str, list[list[Any]]]:
        """Plain JSON in a fixed order: rows [channel, class id, units, participants], [channel, area, given, possible, n]."""
        return {
            "classes": [[channel, class_id, *sums] for (channel, class_id), sums in sorted(self.classes.items())],
            "areas": [[channel, area, *sums] for (channel, area), sums in sorted(self.areas.items())],
        }

    @classmethod
    def from_json(cls, data: dict[str, list[list[Any]]]) -> FieldSums:
        return cls(
            classes={(row[0], int(row[1])): (int(row[2]), int(row[3])) for row in data.get("classes", [])},
            areas={(row[0], row[1]): (int(row[2]), int(row[3]), int(row[4])) for row in data.get("areas", [])},
        )


def field_sums(*, edition: Edition) -> FieldSums:
    """The edition's sums as its last rescoring left them (its standings and points per question), in two GROUP BY queries.

    scoring.md §5: the field average is over every participant with a counted contact in the channel. An area's
    share is the field's points over the points possible, on scored questions (counts) answered (not N/A); a
    participant whose contacts went unanswered has a channel score but no points, hence its own count: a participant
    has a row of QuestionPoints only for a question some counted contact of its answered (scoring.points).
    """
    totals = (
        ChannelStanding.objects.filter(edition_id=edition.pk, contacts__gt=0)
        .values("channel", "participant__award_class_id")
        # Over the ScoreField's raw ten-thousandths: exact on SQLite and PostgreSQL (as scoring.selectors does).
        .annotate(units=Cast(Sum(Cast("total", BigIntegerField())), BigIntegerField()), participants=Count("id"))
        .order_by()
    )
    points = (
        QuestionPoints.objects.filter(edition_id=edition.pk, question__counts=True)
        .values("question__channel", "question__area")
        .annotate(given=Sum("given"), possible=Sum("possible"), participants=Count("participant_id", distinct=True))
        .order_by()
    )
    return FieldSums(
        classes={
            (row["channel"], row["participant__award_class_id"]): (int(row["units"] or 0), row["participants"]) for row in totals
        },
        areas={
            (row["question__channel"], row["question__area"]): (int(row["given"]), int(row["possible"]), row["participants"])
            for row in points
        },
    )
