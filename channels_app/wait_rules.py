"""The organisers' waiting-time rules: the award's defaults for a new edition, and the check of a rule against the
channel's questionnaire (docs/waiting-time.md). contact_clean applies them (channels_app.services)."""

from __future__ import annotations

from django.utils.translation import gettext as _

from award.models import Edition
from channels_app.models import DEFAULT_WAIT_LIMITS, Question, WaitRule
from channels_app.rules import MAX_WAIT_SECONDS
from channels_app.waiting import bands_errors, clock_text


def wait_rules_default(*, edition: Edition) -> list[WaitRule]:
    """Give the edition the award's waiting-time limits for each channel it has none for (no bands); the new rules."""
    existing = set(WaitRule.objects.filter(edition=edition).values_list("channel", flat=True))
    rules_ = [
        WaitRule(edition=edition, channel=channel, limit_seconds=seconds, limit_working_days=days)
        for channel, (seconds, days) in DEFAULT_WAIT_LIMITS.items()
        if channel not in existing
    ]
    return WaitRule.objects.bulk_create(rules_)


def wait_rule_errors(
    *,
    channel: str,
    limit_seconds: int | None,
    limit_working_days: int | None,
    question: Question | None,
    question_key: str,
    bands: object,
) -> dict[str, list[str]]:
    """What is wrong with a waiting-time rule, {field: [reasons]}: one limit at most, bands for a question of the
    channel's questionnaire, rising, with points the question allows."""
    errors: dict[str, list[str]] = {}
    if limit_seconds is not None and limit_working_days is not None:
        errors["limit_working_days"] = [_("give the limit in seconds or in working days, not both")]
    if limit_seconds is not None and not 1 <= limit_seconds <= MAX_WAIT_SECONDS:
        errors["limit_seconds"] = [_("must be whole seconds from 1 to %(max)s") % {"max": MAX_WAIT_SECONDS}]
    if question_key and question is None:
        errors["question_key"] = [
            _("the %(channel)s questionnaire has no question “%(key)s”") % {"channel": channel, "key": question_key}
        ]
    limits = (
        [band[0] for band in bands if isinstance(band, list | tuple) and band and type(band[0]) is int]
        if isinstance(bands, list)
        else []
    )
    if limit_seconds is not None and limit_seconds >= 1 and any(limit > limit_seconds for limit in limits):
        errors.setdefault("bands", []).append(
            _("a band past the limit (%(limit)s) can never be reached") % {"limit": clock_text(limit_seconds)}
        )
    if bands and not question_key:
        errors["question_key"] = [_("name the question the bands score")]
    if found := bands_errors(bands or [], max_points=question.max_points if question else None):
        errors.setdefault("bands", []).extend(found)
    return errors
