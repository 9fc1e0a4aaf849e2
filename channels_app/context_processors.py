"""What every page's header needs to know about the judge reading it."""

from __future__ import annotations

from functools import partial
from typing import Any

from django.http import HttpRequest

from channels_app.selectors import is_judge


def _staff_judge(request: HttpRequest) -> bool:
    user = getattr(request, "user", None)
    return bool(user is not None and user.is_staff and is_judge(user))


def judging(request: HttpRequest) -> dict[str, Any]:
    """`is_judge`: the header links a judge to "My work". A callable, so its query runs only on a page that asks."""
    return {"is_judge": partial(_staff_judge, request)}
