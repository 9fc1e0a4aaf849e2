"""With the cache (Redis) down, the public pages, the results API and a company's dashboard answer 200 with the same
content, read from the database."""

from __future__ import annotations

import re
import socket
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core.cache import cache
from django.test import override_settings

from award.models import Edition, Membership, Participant
from publications.models import Publication
from publications.services import publication_create
from tests.conftest import ClientAs


def dead_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])  # closed again when the probe is: nothing listens there


REDIS_DOWN = {
    "default": {
        "BACKEND": "django_redis.cache.RedisCache",
        "LOCATION": f"redis://127.0.0.1:{dead_port()}/0",
        "OPTIONS": {"IGNORE_EXCEPTIONS": True, "SOCKET_CONNECT_TIMEOUT": 0.5, "SOCKET_TIMEOUT": 0.5},
    }
}
PAGES = ["/", "/2021/", "/2021/interim/", "/2021/final/", "/api/v1/editions/", "/api/v1/editions/2021/results/final/"]


def same(text: str) -> str:
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", text)


@pytest.fixture
def published(mini: Edition) -> Publication:
    publication_create(edition=mini, kind="interim")
    return publication_create(edition=mini, kind="final")


@pytest.fixture
def sognenett_user(mini: Edition) -> User:
    user = User.objects.create_user("sognenett-user", password="x")
    Membership.objects.create(user=user, participant=Participant.objects.get(edition=mini, name="Sognenett"))
    return user


@pytest.mark.parametrize("url", PAGES)
def test_public_pages_answer_the_same_with_the_cache_down(published: Publication, url: str, client: Any) -> None:
    cache.clear()
    up = client.get(url, HTTP_ACCEPT_LANGUAGE="nb")
    with override_settings(CACHES=REDIS_DOWN):
        cache.set("probe", 1)
        assert cache.get("probe") is None  # the cache is really down here, and said to be only in the log
        down = client.get(url, HTTP_ACCEPT_LANGUAGE="nb")
    assert up.status_code == down.status_code == 200
    assert same(down.content.decode()) == same(up.content.decode())


def test_the_dashboard_answers_the_same_with_the_cache_down(
    published: Publication, sognenett_user: User, client_as: ClientAs
) -> None:
    client = client_as(sognenett_user)
    cache.clear()
    up = client.get("/dashboard/")
    with override_settings(CACHES=REDIS_DOWN):
        down = client.get("/dashboard/")
    assert up.status_code == down.status_code == 200 and "Sognenett" in down.content.decode()
    assert same(down.content.decode()) == same(up.content.decode())
