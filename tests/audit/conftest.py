"""The security log as the tests read it: each line parsed, its time checked and set aside."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

import pytest
from django.utils import timezone

UTC_MILLISECONDS = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z")

SecurityLog = Callable[..., list[dict[str, Any]]]


@pytest.fixture
def security_log(caplog: pytest.LogCaptureFixture) -> SecurityLog:
    """security_log("login", "logout"): the fields of every line of those events logged so far (all with no names),
    without "time", which is checked here: UTC to the millisecond, ending in Z, and within a minute of now."""

    def events(*names: str) -> list[dict[str, Any]]:
        found = []
        for record in caplog.records:
            if record.name != "award.security":
                continue
            line = record.getMessage()
            assert "\n" not in line and "\r" not in line
            fields: dict[str, Any] = json.loads(line)
            moment = fields.pop("time")
            assert UTC_MILLISECONDS.fullmatch(moment), moment
            assert abs(datetime.fromisoformat(moment) - timezone.now()) < timedelta(minutes=1)
            if not names or fields["event"] in names:
                found.append(fields)
        return found

    return events
