"""Who is calling the API: a personal token (`Authorization: Bearer csa_…`), else the browser's session with its CSRF
check (DRF's own SessionAuthentication)."""

from __future__ import annotations

from django.contrib.auth.models import User
from django.utils.translation import gettext as _
from rest_framework import exceptions
from rest_framework.authentication import BaseAuthentication, get_authorization_header
from rest_framework.request import Request

from award.accounts.tokens import token_for_secret
from award.models import ApiToken

KEYWORD = "Bearer"


class TokenAuthentication(BaseAuthentication):
    """A personal API token in the Authorization header; a wrong, expired or revoked one is a 401, never a silent
    anonymous request."""

    def authenticate(self, request: Request) -> tuple[User, ApiToken] | None:
        header = get_authorization_header(request).split()
        if not header or header[0].lower() != KEYWORD.lower().encode():
            return None
        if len(header) != 2:
            raise exceptions.AuthenticationFailed(_("Give the token as “Authorization: Bearer <token>”."))
        try:
            secret = header[1].decode()
        except UnicodeError:
            raise exceptions.AuthenticationFailed(_("This token is not valid.")) from None
        token = token_for_secret(secret)
        if token is None:
            raise exceptions.AuthenticationFailed(_("This token is not valid, has expired or was revoked."))
        return token.user, token

    def authenticate_header(self, request: Request) -> str:
        return f'{KEYWORD} realm="api"'  # makes DRF answer 401 (not 403) to a request without credentials
