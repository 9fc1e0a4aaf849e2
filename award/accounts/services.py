"""Business steps of accounts: roles, account details, memberships and invitations."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.conf import settings
from django.contrib.auth.models import Group, User
from django.contrib.auth.tokens import default_token_generator
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _

from audit.models import Action, Source
from audit.services import changes_between, history_record
from award.models import Membership, Participant
from award.roles import JUDGES, ORGANISERS
from award.selectors import UserRole, user_role
from award.services import Invalid


def membership_check(*, member: User, participant: Participant) -> None:
    """Raise Invalid when this account may not read this participant's dashboard."""
    errors: dict[str, list[str]] = {}
    if member.groups.filter(name=JUDGES).exists():
        # docs/architecture.md: a judge never sees a score summary, and a company dashboard is one.
        errors["user"] = [_("%(user)s is a judge: a judge cannot be a company user") % {"user": member.get_username()}]
    linked = Membership.objects.filter(user=member, participant__edition_id=participant.edition_id).select_related("participant")
    for membership in linked:
        if membership.participant_id == participant.pk:
            reason = _("%(user)s is already linked to %(name)s") % {"user": member.get_username(), "name": participant.name}
        else:
            reason = _("%(user)s is already linked to %(name)s in this edition") % {
                "user": member.get_username(),
                "name": membership.participant.name,
            }
        errors.setdefault("participant", []).append(reason)
    if errors:
        raise Invalid(errors)


def membership_create(*, member: User, participant: Participant, user: User | None = None, source: Source) -> Membership:
    """Let a company user read one participant's dashboard."""
    with transaction.atomic():
        membership_check(member=member, participant=participant)
        membership = Membership.objects.create(user=member, participant=participant)
        history_record(
            subject=membership,
            action=Action.CREATE,
            changes={"user": [None, member.get_username()], "participant": [None, participant.name]},
            user=user,
            source=source,
        )
        return membership


def membership_delete(*, membership: Membership, user: User | None = None, source: Source) -> None:
    with transaction.atomic():
        history_record(
            subject=membership,
            action=Action.DELETE,
            changes={"user": [membership.user.get_username(), None], "participant": [membership.participant.name, None]},
            user=user,
            source=source,
        )
        membership.delete()


ROLE_GROUPS = {UserRole.ORGANISER: ORGANISERS, UserRole.JUDGE: JUDGES}


def user_role_check(*, account: User, role: str, user: User | None = None) -> None:
    """Raise Invalid when `user` may not give `account` this role."""
    if role not in UserRole.values:
        raise Invalid({"role": [_("must be one of %(choices)s") % {"choices": ", ".join(UserRole.values)}]})
    if account.pk is None:
        return
    if account.is_superuser and user is not None and not user.is_superuser:
        raise Invalid({"role": [_("Only a superuser can change the role of a superuser.")]})
    if role == UserRole.JUDGE and Membership.objects.filter(user=account).exists():
        # docs/architecture.md: a judge never sees a score summary, and a company dashboard is one.
        raise Invalid(
            {
                "role": [
                    _("%(user)s is linked to a participant: a judge cannot be a company user") % {"user": account.get_username()}
                ]
            }
        )


def user_role_set(*, account: User, role: str, user: User | None = None, source: Source, note: str = "") -> bool:
    """Put an account in the group of its role (the roles table of docs/architecture.md); return whether anything changed.

    Judges and organisers are staff (they work in the admin); company users are
    not. Only the role groups are touched, and only a superuser (or a command at
    the server, user None) changes a superuser's role.
    """
    user_role_check(account=account, role=role, user=user)
    with transaction.atomic():
        account = User.objects.select_for_update().get(pk=account.pk)
        staff = role in ROLE_GROUPS
        before = {"role": user_role(account), "is_staff": account.is_staff}
        for group_role, name in ROLE_GROUPS.items():
            group, _created = Group.objects.get_or_create(name=name)
            if group_role == role:
                account.groups.add(group)
            else:
                account.groups.remove(group)
        if account.is_staff != staff:
            account.is_staff = staff
            account.save(update_fields=["is_staff"])
        changes = changes_between(before, {"role": user_role(account), "is_staff": staff})
        if not changes and not note:
            return False
        history_record(subject=account, action=Action.UPDATE, changes=changes, user=user, source=source, note=note)
        return bool(changes)


# What an organiser may change of an account besides its role (never its superuser flag or permissions).
USER_DETAILS = ("username", "first_name", "last_name", "email", "is_active")


def user_details_set(*, account: User, values: Mapping[str, Any], user: User | None = None, source: Source) -> bool:
    """Change an account's name, e-mail or active flag, with history; return whether anything changed."""
    unknown = set(values) - set(USER_DETAILS)
    if unknown:
        raise ValueError(f"not details of an account: {sorted(unknown)}")
    with transaction.atomic():
        account = User.objects.select_for_update().get(pk=account.pk)
        changes = changes_between({key: getattr(account, key) for key in values}, values)
        if not changes:
            return False
        for key in changes:
            setattr(account, key, values[key])
        account.save(update_fields=list(changes))
        history_record(subject=account, action=Action.UPDATE, changes=changes, user=user, source=source)
        return True


def _subject_line(text: str) -> str:
    """An e-mail's subject as one line of plain text, whatever the names in it hold.

    A line break in a header is refused by Django (BadHeaderError), so every run of white space, line breaks
    included, becomes one space. The template renders it without HTML escaping: an e-mail subject is no HTML.
    """
    return " ".join(text.split())


def membership_invite(*, membership: Membership, site_url: str, user: User | None = None, source: Source) -> str:
    """E-mail a company user a one-time link to choose their password and read their participant's dashboard.

    The link carries Django's password-reset token (valid PASSWORD_RESET_TIMEOUT,
    void once a password is set), so an invitation works the same whether the
    account has a password yet or not. Links start with settings.SITE_URL when
    it is set, else with `site_url` (the requesting browser's address). Returns
    the address written to; the history records that an invitation went out,
    never the link.
    """
    member, participant = membership.user, membership.participant
    if not member.is_active:
        raise Invalid({"user": [_("%(user)s is not active: activate the account first") % {"user": member.get_username()}]})
    address = (member.email or "").strip()
    if not address:
        raise Invalid({"user": [_("%(user)s has no e-mail address") % {"user": member.get_username()}]})
    # A configured address wins over the request's Host header, which the organiser's browser chose.
    base = (settings.SITE_URL or site_url).rstrip("/")
    path = reverse(
        "accounts:invitation",
        kwargs={"uidb64": urlsafe_base64_encode(force_bytes(member.pk)), "token": default_token_generator.make_token(member)},
    )
    context = {
        "member": member,
        "participant": participant,
        "edition": participant.edition,
        "link": base + path,
        "login": base + reverse("accounts:login"),
        "days": max(1, settings.PASSWORD_RESET_TIMEOUT // 86400),
    }
    subject = _subject_line(render_to_string("accounts/invitation_subject.txt", context))
    send_mail(subject, render_to_string("accounts/invitation_email.txt", context), None, [address])
    history_record(
        subject=membership,
        action=Action.UPDATE,
        changes={},
        user=user,
        source=source,
        note=_("invitation sent to %(address)s") % {"address": address},
    )
    return address
