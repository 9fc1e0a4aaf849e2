"""/healthz: whether this process reaches what it needs (database, cache, broker), for a container's own probe.

Answered by HealthCheck, the first middleware, before the host check and the HTTPS redirect: a probe from inside
the container asks for http://127.0.0.1:8000/healthz, a host that ALLOWED_HOSTS need not name.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse

PATH = "/healthz"
BROKER_TIMEOUT = 2  # seconds: a probe must answer quickly either way


def _database() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return "ok"


def _cache() -> str:
    key, value = f"healthz:{uuid.uuid4().hex}", uuid.uuid4().hex
    cache.set(key, value, timeout=10)
    found = cache.get(key)
    cache.delete(key)
    if found != value:
        raise RuntimeError("the cache did not give back what was stored")
    return "ok"


def _broker() -> str:
    if settings.CELERY_TASK_ALWAYS_EAGER:
        return "not used"  # tasks run in this process
    from config.celery import app

    with app.connection_for_write() as conn:
        conn.ensure_connection(max_retries=1, timeout=BROKER_TIMEOUT)
    return "ok"


CHECKS: dict[str, Callable[[], str]] = {"database": _database, "cache": _cache, "broker": _broker}


def health() -> tuple[bool, dict[str, str]]:
    """Each check's "ok" (or "not used"), or the error it met; healthy when none failed."""
    found, healthy = {}, True
    for name, check in CHECKS.items():
        try:
            found[name] = check()
        except Exception as error:  # any failure is the answer: unhealthy, and why
            found[name] = f"error: {type(error).__name__}: {error}"[:300]
            healthy = False
    return healthy, found


class HealthCheck:
    """Answers GET /healthz with JSON, 200 when all is reachable and 503 otherwise; every other request goes on."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path_info.rstrip("/") != PATH:
            return self.get_response(request)
        if request.method not in ("GET", "HEAD"):
            return JsonResponse({"error": "GET or HEAD"}, status=405, headers={"Allow": "GET, HEAD"})
        healthy, checks = health()
        response = JsonResponse({"status": "ok" if healthy else "unavailable", "checks": checks}, status=200 if healthy else 503)
        response["Cache-Control"] = "no-store"
        return response
