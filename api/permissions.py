"""What a caller may do: the token's scopes, and the roles of docs/architecture.md (each checked by the selector the
pages use)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from rest_framework.permissions import SAFE_METHODS, BasePermission
from rest_framework.request import Request

from award.models import ApiToken, ApiTokenScope, Membership
from award.selectors import user_is_organiser
from channels_app.selectors import is_judge


class TokenScopes(BasePermission):
    """A token answers only within its scopes: read for GET, HEAD and OPTIONS, write for the rest. A session (the
    browser) has its user's rights whole."""

    message = _("This token does not have the scope this request needs.")

    def has_permission(self, request: Request, view: Any) -> bool:
        token = request.auth
        if not isinstance(token, ApiToken):
            return True
        needed = ApiTokenScope.READ if request.method in SAFE_METHODS else ApiTokenScope.WRITE
        return needed in token.scopes


class IsOrganiser(BasePermission):
    message = _("Only organisers may do this.")

    def has_permission(self, request: Request, view: Any) -> bool:
        return user_is_organiser(request.user)


class IsJudge(BasePermission):
    message = _("Only judges may do this.")

    def has_permission(self, request: Request, view: Any) -> bool:
        return is_judge(request.user)


class IsCompanyUser(BasePermission):
    """A company user: an active account linked to at least one participant (never staff: docs/architecture.md)."""

    message = _("Only company users may do this.")

    def has_permission(self, request: Request, view: Any) -> bool:
        user = request.user
        if not (user.is_authenticated and user.is_active) or user.is_staff:
            return False
        return Membership.objects.filter(user=user).exists()
