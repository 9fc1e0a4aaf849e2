"""/accounts/tokens/: every logged-in account's own personal API tokens: listed, made, revoked (award.accounts.tokens).

A new token's secret is shown once, in the answer to the POST that made it: it is never put in an address, the
session or a message (messages may travel in a cookie), so it is nowhere to be shown again, and the page is never
kept by a cache. Making one asks for the password again (OwnTokenForm). Another account's token is a 404.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from audit.models import Source
from award.accounts.token_forms import OwnTokenForm
from award.accounts.tokens import NewToken, token_create, token_revoke, token_state, tokens_of
from award.models import ApiToken, ApiTokenScope
from award.services import Invalid

STATES = {
    "active": pgettext_lazy("API token", "active"),
    "expired": pgettext_lazy("API token", "expired"),
    "revoked": pgettext_lazy("API token", "revoked"),
}


@dataclass(frozen=True)
class TokenLine:
    """A token as its owner's list shows it: never its secret, which nobody has any more."""

    token: ApiToken
    state: str

    @property
    def state_label(self) -> str:
        return str(STATES[self.state])

    @property
    def scope_labels(self) -> list[str]:
        labels = dict(ApiTokenScope.choices)
        return [str(labels.get(scope, scope)) for scope in self.token.scopes]


def _owner(request: HttpRequest) -> User:
    if not isinstance(request.user, User):  # login_required let nobody else through
        raise PermissionDenied
    return request.user


def _own_token_or_404(request: HttpRequest, token_id: str) -> ApiToken:
    token = ApiToken.objects.filter(pk=int(token_id), user=_owner(request)).first()
    if token is None:
        raise Http404
    return token


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def tokens(request: HttpRequest) -> HttpResponse:
    """The list and the form; a POST that makes a token answers with its secret, once."""
    owner = _owner(request)
    form = OwnTokenForm(request.POST if request.method == "POST" else None, request=request)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            new = token_create(
                owner=owner,
                name=data["name"],
                scopes=data["scopes"],
                days=data["expires_in_days"],
                user=owner,
                source=Source.SITE,
            )
        except Invalid as invalid:  # checked by the form already: a rule that changed between the two
            form.add_invalid(invalid)
        else:
            return _created(request, new)
    lines = [TokenLine(token, token_state(token)) for token in tokens_of(owner=owner)]
    context = {"lines": lines, "active": sum(line.state == "active" for line in lines), "form": form}
    return render(request, "accounts/tokens.html", context)


def _created(request: HttpRequest, new: NewToken) -> HttpResponse:
    days = max(0, round((new.token.expires_at - timezone.now()) / timedelta(days=1)))
    line = TokenLine(new.token, token_state(new.token))
    return render(request, "accounts/token_created.html", {"new": new, "line": line, "days": days})


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def token_revoke_view(request: HttpRequest, token_id: str) -> HttpResponse:
    """GET asks to confirm; POST revokes (once: a revoked token stays revoked) and goes back to the list."""
    token = _own_token_or_404(request, token_id)
    if request.method == "POST":
        already = token.revoked_at is not None
        token_revoke(token=token, user=_owner(request), source=Source.SITE)
        if not already:
            messages.success(request, _("“%(name)s” is revoked: it no longer works.") % {"name": token.name})
        return HttpResponseRedirect(reverse("accounts:tokens"))
    return render(request, "accounts/token_revoke.html", {"line": TokenLine(token, token_state(token))})
