"""What channels_app does when the year's frame (award) says something happened."""

from __future__ import annotations

from typing import Any

from award.models import Edition
from channels_app.wait_rules import wait_rules_default


def wait_limits_for_a_new_edition(sender: Any, *, edition: Edition, **kwargs: Any) -> None:
    """An edition an organiser creates starts with the award's waiting-time limits (editable)."""
    wait_rules_default(edition=edition)
