"""The organisers' forms for accounts and memberships (each checks with the same helper its service uses); the admin's
login form."""

from __future__ import annotations

import logging
from typing import Any, cast

from django import forms
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.forms import AdminUserCreationForm, AuthenticationForm, UserChangeForm
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator
from django.utils.translation import gettext_lazy as _

from audit.security import request_path, security_event
from award.accounts.services import membership_check, user_role_check
from award.forms import InvalidErrorsMixin
from award.models import Membership
from award.selectors import UserRole, user_role
from award.services import Invalid


class MembershipForm(InvalidErrorsMixin, forms.ModelForm):
    class Meta:
        model = Membership
        fields = ["user", "participant"]

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data
        member, participant = cleaned.get("user"), cleaned.get("participant")
        if member is not None and participant is not None:
            try:
                membership_check(member=member, participant=participant)
            except Invalid as invalid:
                self.add_invalid(invalid)
        return cleaned


def role_field() -> forms.ChoiceField:
    return forms.ChoiceField(
        label=_("Role"),
        choices=UserRole.choices,
        help_text=_("Judges and organisers work in the admin; company users only read their own dashboard."),
    )


class UserCreationWithRoleForm(AdminUserCreationForm):
    """Django's own form for a new account, and the role it is given (judge unless said otherwise)."""

    role = role_field()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["role"].initial = UserRole.JUDGE


class OrganiserUserChangeForm(InvalidErrorsMixin, UserChangeForm):
    """What an organiser who is not a superuser may change of an account: no superuser flag, groups or permissions."""

    role = role_field()
    request_user: User | None = None  # set on the class the admin makes for each request

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["role"].initial = user_role(self.instance)

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data
        role = cleaned.get("role")
        if role and "role" in self.changed_data:
            try:
                user_role_check(account=self.instance, role=role, user=self.request_user)
            except Invalid as invalid:
                self.add_invalid(invalid)
        return cleaned


class UsernameLengthMixin:
    """Django's login form sets its username field's max_length after making the field, so no validator checks it: a
    longer name reached authenticate(), and axes' record of the failure (a column of 255) answered 500 on PostgreSQL.
    Here it is an error on the field, in the reader's language, and nothing is recorded."""

    fields: dict[str, forms.Field]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        username = cast(forms.CharField, self.fields["username"])
        if username.max_length is not None:  # the User model's 150
            username.validators.append(MaxLengthValidator(username.max_length))


class LoginForm(UsernameLengthMixin, AuthenticationForm):
    """The site's login (company users)."""


class AdminLoginForm(UsernameLengthMixin, AdminAuthenticationForm):
    """The admin's login: the right password of an account without admin access (a company user) is refused as
    Django refuses it, and the refusal is in the security log; it is no failed login (the password was right), so
    neither axes nor Django's signal sees it."""

    def confirm_login_allowed(self, user: User) -> None:
        try:
            super().confirm_login_allowed(user)
        except ValidationError:
            path = request_path(self.request) if self.request is not None else "-"
            security_event("admin.refused", user=user, request=self.request, level=logging.WARNING, path=path)
            raise
