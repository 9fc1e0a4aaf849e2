"""The forms that make a personal API token: its owner's on the site (which asks for the password again, under the login
lockout) and the organisers' in the admin (for a chosen account). Both check with award.accounts.tokens.token_check,
the rule the service applies, so a refusal shows next to its field."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth import authenticate
from django.http import HttpRequest
from django.utils.functional import lazy
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from award.accounts.tokens import DEFAULT_DAYS, MAX_DAYS, MAX_NAME, token_check
from award.forms import InvalidErrorsMixin
from award.models import ApiToken, ApiTokenScope
from award.services import Invalid


def at_most_days() -> str:
    """The days field's help, in the language of the request that reads it (a lazy plural filled in at import would
    be in the default language whatever the reader's)."""
    return ngettext("At most %(max)s day.", "At most %(max)s days.", MAX_DAYS) % {"max": MAX_DAYS}


class TokenForm(InvalidErrorsMixin, forms.Form):
    """What a new token is: a name, its scopes, how many days it lasts (named as the API names them)."""

    name = forms.CharField(label=capfirst(_("name")), max_length=MAX_NAME, help_text=ApiToken._meta.get_field("name").help_text)
    scopes = forms.MultipleChoiceField(
        label=capfirst(_("scopes")),
        choices=ApiTokenScope.choices,
        initial=[ApiTokenScope.READ],
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Read: it may read what its account may read. Write: it may also record and change what its account may."),
    )
    expires_in_days = forms.IntegerField(
        label=_("Valid for (days)"),
        min_value=1,
        max_value=MAX_DAYS,
        initial=DEFAULT_DAYS,
        help_text=lazy(at_most_days, str)(),
    )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        name, scopes, days = cleaned.get("name"), cleaned.get("scopes"), cleaned.get("expires_in_days")
        if name is None or scopes is None or days is None:
            return cleaned  # the field itself says what is wrong
        try:
            token_check(name=name, scopes=scopes, days=days)
        except Invalid as invalid:
            self.add_invalid(invalid)
        return cleaned


class OwnTokenForm(TokenForm):
    """A token of one's own: the password again, so that a session left open (or stolen) cannot make a key that outlives
    it. Checked with authenticate(), through axes: a wrong one counts towards the login lockout, and once locked out
    the request is answered 429 (award/accounts/lockout.py) whatever the password."""

    password = forms.CharField(
        label=_("Your password"),
        strip=False,
        max_length=4096,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        help_text=_("Asked again before a token is made."),
    )

    def __init__(self, *args: Any, request: HttpRequest, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.request = request

    def clean_password(self) -> str:
        password: str = self.cleaned_data["password"]
        owner = self.request.user  # logged in: the view is behind login_required
        checked = authenticate(self.request, username=owner.get_username(), password=password)
        if checked is None or checked.pk != owner.pk:
            raise forms.ValidationError(_("This is not your password."), code="wrong_password")
        return password


class AdminTokenForm(TokenForm, forms.ModelForm):
    """An organiser's token for a chosen account: a ModelForm, as the admin needs, whose row the service writes."""

    class Meta:
        model = ApiToken
        fields = ["user", "name"]
        labels = {"user": _("Account")}
        help_texts = {"user": _("Whose token it is: it acts with that account's rights, within its scopes.")}
