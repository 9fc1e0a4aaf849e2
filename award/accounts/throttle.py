"""How many password-reset and invitation mails one address, and one client, may ask for in an hour.

Counted in the cache (one key per address or client and hour window). With the cache down the counts are lost
and the mails go out: a reset must keep working in an outage, and each is still logged.
"""

from __future__ import annotations

import hashlib
import logging

from django.core.cache import cache

from audit.security import security_event

MAILS_PER_ADDRESS_PER_HOUR = 3
REQUESTS_PER_CLIENT_PER_HOUR = 10
WINDOW = 3600


def allowed(kind: str, value: str, *, limit: int) -> bool:
    """Count one more for (kind, value) in this window; False once past the limit."""
    key = "throttle:" + kind + ":" + hashlib.sha256(value.casefold().encode()).hexdigest()
    cache.add(key, 0, timeout=WINDOW)
    try:
        count = cache.incr(key)
    except ValueError:  # the key expired between add and incr: a new window
        cache.set(key, 1, timeout=WINDOW)
        count = 1
    if count is None:  # a cache that is down answers nothing: let it through (said in the module's docstring)
        return True
    if count > limit:
        # In the security log: which limit, never the address or client counted (the key is their hash, too).
        security_event("throttled", level=logging.WARNING, kind=kind, count=count, limit=limit)
        return False
    return True
