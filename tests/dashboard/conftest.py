"""The dashboard tests' personas: Sognenett of the mini sample and its company user, and the mini's interim results."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from django.contrib.auth.models import User
from django.test import Client

from award.models import Edition
from publications.models import Publication
from publications.services import publication_create
from tests.conftest import ClientAs


@pytest.fixture
def reader(sognenett_reader: User, client_as: ClientAs) -> Client:
    """The company user of Sognenett, logged in."""
    return client_as("sognenett_reader")


PUBLISHED_AT = datetime(2021, 3, 15, 12, 0, tzinfo=UTC)  # the mini sample's contacts are all of February 2021


@pytest.fixture
def published(mini: Edition) -> Publication:
    """Interim results of the mini sample: the dashboard's averages are those frozen with them."""
    return publication_create(edition=mini, kind="interim", published_at=PUBLISHED_AT)
