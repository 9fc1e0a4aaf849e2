"""Fixtures the judges' pages' tests share."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group, User

from award.models import Edition
from award.roles import JUDGES
from channels_app.planning import plan_edition
from tests.factories import UserFactory


@pytest.fixture
def planned(mini: Edition, judge1: User, judge2: User, roles: None) -> Edition:
    """The mini sample with five judges (its two and three more, enough for the share rule) and its plan made."""
    group = Group.objects.get(name=JUDGES)
    for name in ("judge3", "judge4", "judge5"):
        UserFactory.create(username=name, is_staff=True).groups.add(group)
    plan_edition(edition=mini)
    return mini
