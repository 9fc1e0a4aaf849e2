"""How often one token, and one address, may call the API (settings API_RATE_PER_TOKEN and API_RATE_PER_ADDRESS): past
either rate a request is answered 429 with Retry-After. Counted in the cache; with the cache down nothing is counted
and every request goes through (the API keeps working in an outage; README, "Outages")."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ImproperlyConfigured
from rest_framework.request import Request
from rest_framework.settings import api_settings
from rest_framework.throttling import SimpleRateThrottle

from award.models import ApiToken


class Rate(SimpleRateThrottle):
    def get_rate(self) -> str | None:
        # Read now, not when the class was made (DRF's default), so that a changed setting takes effect.
        rates: dict[str, str | None] = getattr(api_settings, "DEFAULT_THROTTLE_RATES")  # noqa: B009  # the stubs' type is wrong
        if self.scope not in rates:
            raise ImproperlyConfigured(f"REST_FRAMEWORK's DEFAULT_THROTTLE_RATES has no rate for {self.scope!r}")
        return rates[self.scope]  # None: not throttled


class PerToken(Rate):
    """Each token (or browser session's user) on its own."""

    scope = "token"

    def get_cache_key(self, request: Request, view: Any) -> str | None:
        if isinstance(request.auth, ApiToken):
            ident = f"t{request.auth.pk}"
        elif request.user is not None and request.user.is_authenticated:
            ident = f"u{request.user.pk}"
        else:
            return None  # nobody: counted by address alone
        return self.cache_format % {"scope": self.scope, "ident": ident}


class PerAddress(Rate):
    """Each client address, whoever it says it is (REMOTE_ADDR: behind a proxy, set it to the client's)."""

    scope = "address"

    def get_cache_key(self, request: Request, view: Any) -> str | None:
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}
