"""Company users' accounts on the public site: log in, log out, reset a password, accept an invitation.

Django's own auth views with the site's templates. The URLs are named under
`accounts:` and every success URL is given here, so the admin's own login and
password pages (which use Django's default names and templates) stay as they are.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import PasswordResetForm
from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX
from django.contrib.auth.models import User
from django.http import HttpRequest
from django.urls import reverse_lazy
from django.utils.translation import gettext_lazy as _

from audit.models import Source
from award.accounts.services import membership_invite
from award.accounts.throttle import MAILS_PER_ADDRESS_PER_HOUR, REQUESTS_PER_CLIENT_PER_HOUR, allowed
from award.models import Membership


class CompanyPasswordResetForm(PasswordResetForm):
    """The public reset form, for company users only, whatever the address typed; the "sent" page is the same either way.

    - Staff accounts (organisers, judges) are never served here: their
      passwords are reset by an organiser in the administration, so a
      stolen mailbox of a judge does not open the admin through this form.
    - A company user invited but without a password yet (an unusable one,
      which Django's form skips) gets a fresh invitation instead, so an
      expired invitation link is not a dead end.
    """

    def get_users(self, email: str) -> Iterator[User]:
        return (user for user in super().get_users(email) if not (user.is_staff or user.is_superuser))

    def save(self, *args: Any, request: HttpRequest | None = None, **kwargs: Any) -> None:
        # At most a few mails an hour to one address, and a few requests from one client: the page says "sent" either
        # way, so a throttled request reveals nothing (award/accounts/throttle.py).
        client = request.META.get("REMOTE_ADDR", "") if request is not None else ""
        if not allowed("reset-client", client, limit=REQUESTS_PER_CLIENT_PER_HOUR):
            return
        if not allowed("reset-address", self.cleaned_data["email"], limit=MAILS_PER_ADDRESS_PER_HOUR):
            return
        super().save(*args, **{**kwargs, "request": request})
        for membership in self._invitable(self.cleaned_data["email"]):
            site_url = request.build_absolute_uri("/") if request is not None else ""
            membership_invite(membership=membership, site_url=site_url, source=Source.SITE)

    @staticmethod
    def _invitable(email: str) -> list[Membership]:
        """One membership (the newest edition's) of each active company account at that address with no password yet."""
        email_field = get_user_model().get_email_field_name()
        memberships = (
            Membership.objects.filter(
                **{f"user__{email_field}__iexact": email},
                user__is_active=True,
                user__is_staff=False,
                user__is_superuser=False,
                user__password__startswith=UNUSABLE_PASSWORD_PREFIX,  # set_unusable_password(): invited, no password yet
            )
            .select_related("user", "participant__edition")
            .order_by("user_id", "-participant__edition__year", "pk")
        )
        newest: dict[int, Membership] = {}
        for membership in memberships:
            newest.setdefault(membership.user_id, membership)
        return list(newest.values())


class InvitationConfirmView(auth_views.PasswordResetConfirmView):
    """An invitation link (award.accounts.services.membership_invite): a password reset token, another welcome."""

    template_name = "accounts/invitation_confirm.html"
    success_url = reverse_lazy("accounts:password_reset_complete")
    extra_context = {"title": _("Choose your password")}
