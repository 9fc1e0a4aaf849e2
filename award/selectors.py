"""Reads of the year's frame and of roles that more than one caller needs."""

from __future__ import annotations

from typing import TYPE_CHECKING, TypedDict

from django.contrib.auth.models import AnonymousUser, Group, User
from django.db import models
from django.db.models import Exists, OuterRef, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from award.models import Edition, Membership
from award.roles import JUDGES, ORGANISERS

if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations


def current_edition() -> Edition | None:
    """The edition running today, else the newest."""
    today = timezone.localdate()
    return (
        Edition.objects.filter(starts_on__lte=today, ends_on__gte=today).order_by("-year").first()
        or Edition.objects.order_by("-year").first()
    )


class UserRole(models.TextChoices):
    """the roles table of docs/architecture.md, as an account's groups and staff flag give them."""

    ORGANISER = "organiser", _("Organiser")
    JUDGE = "judge", _("Judge")
    COMPANY = "company", _("Company user (no admin access)")


def user_role(user: User) -> str:
    """The role of an account: its role group, else organiser for a superuser, else company user."""
    names = set(user.groups.filter(name__in=[ORGANISERS, JUDGES]).values_list("name", flat=True))
    if ORGANISERS in names:
        return UserRole.ORGANISER
    if JUDGES in names:
        return UserRole.JUDGE
    return UserRole.ORGANISER if user.is_superuser else UserRole.COMPANY


def user_is_organiser(user: User | AnonymousUser) -> bool:
    """Organisers do everything in the admin (docs/architecture.md); superusers count as organisers."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    return user.is_superuser or user.groups.filter(name=ORGANISERS).exists()


class RoleFlags(TypedDict):
    """What users_with_roles annotates each account with."""

    in_organisers: bool
    in_judges: bool
    has_membership: bool


def users_with_roles(users: QuerySet[User]) -> QuerySet[WithAnnotations[User, RoleFlags]]:
    """Annotate in_organisers, in_judges and has_membership without a query per account."""
    in_group = {name: Exists(Group.objects.filter(user=OuterRef("pk"), name=name)) for name in (ORGANISERS, JUDGES)}
    return users.annotate(
        in_organisers=in_group[ORGANISERS],
        in_judges=in_group[JUDGES],
        has_membership=Exists(Membership.objects.filter(user=OuterRef("pk"))),
    )
