"""Sending a Celery task once the writing transaction has committed, so that a broker outage never turns a committed
save into an error.

Celery's own delay_on_commit raises from inside the commit's callbacks when the broker is down: the change is in the
database, yet the request answers 500, and a judge who enters the "failed" contact again counts it twice. Here the
failure is logged instead; the work is not lost, since beat's repair (scoring.tasks.rescore_stale_editions) finds
every edition whose standings are behind its data and rescores it (README: worst-case staleness).
"""

from __future__ import annotations

import logging
from typing import Any

from django.db import transaction

logger = logging.getLogger("award.enqueue")

# One quick retry: a request must not wait long on a broker that is down (Celery's default waits seconds).
RETRY_POLICY = {"max_retries": 1, "interval_start": 0, "interval_step": 0.2, "interval_max": 0.2}


def enqueue_on_commit(task: Any, *args: Any) -> None:
    """Send `task(*args)` after the current transaction commits (at once outside one); never raises for the broker."""

    def send() -> None:
        if task.app.conf.task_always_eager:  # no broker: the task runs here, and its own errors are errors
            task.apply_async(args=args)
            return
        try:
            task.apply_async(args=args, retry_policy=RETRY_POLICY)
        except Exception:  # any broker failure (kombu's OperationalError, a refused connection, a timeout)
            logger.exception("Could not enqueue %s%r: the broker is unreachable; beat's repair will catch up.", task.name, args)

    transaction.on_commit(send)
