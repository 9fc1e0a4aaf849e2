"""Personal API tokens: made (shown once), found by their secret, revoked. Every way in (the site, the admin, the API)
calls these, so the rules of a token are written once (docs/api.md).

The secret is 256 random bits; only its SHA-256 is stored. A plain hash and not a slow password hash: a secret this
long cannot be guessed, and every API request looks one up.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.models import Action, Source
from audit.security import security_event_on_commit
from audit.services import history_record
from award.models import ApiToken, ApiTokenScope
from award.services import Invalid

PREFIX = "csa_"  # "customer service award": lets a secret scanner, and a reader, tell what leaked
DEFAULT_DAYS, MAX_DAYS = 90, 365
MAX_NAME = ApiToken._meta.get_field("name").max_length or 100
LAST_USED_EVERY = timedelta(minutes=5)  # how stale last_used_at may be: not a write on every request


def token_digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


@dataclass(frozen=True)
class NewToken:
    token: ApiToken
    secret: str  # shown once, never stored


def token_check(*, name: str, scopes: list[str], days: int) -> None:
    """Raise Invalid naming each field of a new token that breaks a rule."""
    errors: dict[str, list[str]] = {}
    if not name.strip():
        errors["name"] = [_("required")]
    elif len(name) > MAX_NAME:
        errors["name"] = [_("at most %(n)s characters") % {"n": MAX_NAME}]
    if not scopes:
        errors["scopes"] = [_("choose at least one of %(choices)s") % {"choices": ", ".join(ApiTokenScope.values)}]
    elif unknown := [scope for scope in scopes if scope not in ApiTokenScope.values]:
        choices = ", ".join(ApiTokenScope.values)
        errors["scopes"] = [_("%(scope)s is not a scope: choose from %(choices)s") % {"scope": unknown[0], "choices": choices}]
    if not 1 <= days <= MAX_DAYS:
        errors["expires_in_days"] = [_("must be whole days from 1 to %(max)s") % {"max": MAX_DAYS}]
    if errors:
        raise Invalid(errors)


def token_create(
    *, owner: User, name: str, scopes: list[str], days: int = DEFAULT_DAYS, user: User | None = None, source: Source
) -> NewToken:
    """A new token of `owner` (made by `user`: the owner, or an organiser in the admin); its secret is returned once."""
    token_check(name=name, scopes=scopes, days=days)
    secret = PREFIX + secrets.token_urlsafe(32)
    ordered = [scope for scope in ApiTokenScope.values if scope in scopes]
    with transaction.atomic():
        token = ApiToken.objects.create(
            user=owner,
            name=name.strip(),
            digest=token_digest(secret),
            hint=secret[-4:],
            scopes=ordered,
            created_by=user,
            expires_at=timezone.now() + timedelta(days=days),
        )
        changes: dict[str, list[Any]] = {
            "name": [None, token.name],
            "scopes": [None, ordered],
            "expires_at": [None, token.expires_at.isoformat()],
        }
        history_record(subject=token, action=Action.CREATE, changes=changes, user=user, source=source)
        security_event_on_commit("token.create", user=user, token=token.pk, owner=owner.get_username(), scopes=",".join(ordered))
    return NewToken(token=token, secret=secret)


def token_revoke(*, token: ApiToken, user: User | None = None, source: Source) -> ApiToken:
    """Revoke a token for good (a revoked token is kept, with when, for the history); revoking it again changes nothing."""
    with transaction.atomic():
        token = ApiToken.objects.select_for_update().get(pk=token.pk)
        if token.revoked_at is not None:
            return token
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        changes = {"revoked_at": [None, token.revoked_at.isoformat()]}
        history_record(subject=token, action=Action.UPDATE, changes=changes, user=user, source=source)
        security_event_on_commit("token.revoke", user=user, token=token.pk, owner=token.user.get_username())
    return token


def token_for_secret(secret: str) -> ApiToken | None:
    """The usable token with this secret (with its user), else None; notes when it was last used, now and then."""
    if not secret.startswith(PREFIX):
        return None
    token = ApiToken.objects.usable().select_related("user").filter(digest=token_digest(secret)).first()
    if token is not None:
        now = timezone.now()
        if token.last_used_at is None or now - token.last_used_at > LAST_USED_EVERY:
            ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
            token.last_used_at = now
    return token


def tokens_of(*, owner: User) -> list[ApiToken]:
    """An account's tokens, newest first, revoked and expired ones included (their state says so)."""
    return list(ApiToken.objects.filter(user=owner).order_by("-created_at", "-pk"))


def token_state(token: ApiToken) -> str:
    """active, expired or revoked."""
    if token.revoked_at is not None:
        return "revoked"
    return "expired" if token.expires_at <= timezone.now() else "active"
