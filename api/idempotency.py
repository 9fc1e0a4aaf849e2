"""Idempotency-Key on writes that create (contacts): a client on a bad mobile connection sends the same key again when
it did not get the answer, and gets the first answer back, with nothing created twice.

Hand-written rather than a library: the packages for it keep the answer in the cache (lost in an outage, so a retry
would create again) or wrap every view; here the key is a row written in the same transaction as the contact, so
the two commit together or not at all, and a second request with the key waits on the first's row (PostgreSQL's
unique index; SQLite has one writer) and then reads its answer.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from datetime import timedelta
from typing import cast

from django.contrib.auth.models import User
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from rest_framework import exceptions, status
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response

from api.models import IdempotentRequest

HEADER = "Idempotency-Key"
KEPT_FOR = timedelta(hours=24)  # a key older than this is forgotten: the same key then makes a new request
MAX_KEY = 255


def _fingerprint(request: Request) -> str:
    body = json.dumps(request.data, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(f"{request.method} {request.path}\n{body}".encode()).hexdigest()


def idempotent(request: Request, make: Callable[[], Response]) -> Response:
    """make()'s answer, or, for a key already used by this user, the answer it got then (header Idempotent-Replayed).

    Only a success is kept: a refused request (400) changes nothing, so the client may correct it and send it again
    with the same key.
    """
    key = request.headers.get(HEADER)
    if key is None:
        return make()
    if not 1 <= len(key) <= MAX_KEY or not key.isprintable():
        raise exceptions.ValidationError({HEADER: [_("must be 1 to %(max)s printable characters") % {"max": MAX_KEY}]})
    fingerprint = _fingerprint(request)
    user = cast(User, request.user)  # a write: authenticated by the view's permissions
    with transaction.atomic():
        IdempotentRequest.objects.filter(user=user, key=key, created_at__lt=timezone.now() - KEPT_FOR).delete()
        try:
            with transaction.atomic():
                record = IdempotentRequest.objects.create(user=user, key=key, fingerprint=fingerprint, status=0, body={})
        except IntegrityError:
            return _replay(user, key, fingerprint)
        response = make()
        if response.status_code >= 400:
            transaction.set_rollback(True)  # forget the key with whatever the refused request began
            return response
        record.status = response.status_code
        record.body = json.loads(JSONRenderer().render(response.data))
        record.save(update_fields=["status", "body"])
        return response


def _replay(user: User, key: str, fingerprint: str) -> Response:
    earlier = IdempotentRequest.objects.get(user=user, key=key)
    if earlier.fingerprint != fingerprint:
        message = _("This Idempotency-Key was already used for another request: use a new key for a new request.")
        return Response({"detail": message}, status=status.HTTP_422_UNPROCESSABLE_ENTITY)
    return Response(earlier.body, status=earlier.status, headers={"Idempotent-Replayed": "true"})
