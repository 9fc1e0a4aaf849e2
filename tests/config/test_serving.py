"""Production as it runs: gunicorn alone serves the pages and their static files (WhiteNoise), and /healthz answers
the container's probe whatever its host, before the HTTPS redirect."""

from __future__ import annotations

import gzip
import json
import os
import secrets
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.test import Client, override_settings

from tests.config.test_deployment import SETTINGS_NAMES
from tests.conftest import ROOT


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def get(url: str, **headers: str) -> tuple[int, dict[str, str], bytes]:
    request = urllib.request.Request(url, headers=headers)
    opener = urllib.request.build_opener(NoRedirect)
    try:
        with opener.open(request, timeout=10) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: object, **kwargs: object) -> None:
        return None


@pytest.fixture(scope="module")
def production(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """gunicorn with DEBUG off, its static files collected, on a free port; stopped by its own process id."""
    folder = tmp_path_factory.mktemp("production")
    env = {k: v for k, v in os.environ.items() if k not in SETTINGS_NAMES} | {
        "DEBUG": "false",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "award.example.org",
        "DATABASE_URL": f"sqlite:///{folder / 'db.sqlite3'}",
        "STATIC_ROOT": str(folder / "static"),
    }
    for command in (["migrate", "--noinput", "-v0"], ["collectstatic", "--noinput", "-v0"]):
        subprocess.run([sys.executable, "manage.py", *command], cwd=ROOT, env=env, check=True, timeout=180)
    port = free_port()
    server = subprocess.Popen(
        [
            str(Path(sys.executable).parent / "gunicorn"),
            "config.wsgi:application",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "1",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                get(url + "/healthz")
                break
            except OSError:
                time.sleep(0.1)
        yield url
    finally:
        server.terminate()
        server.wait(timeout=10)


def test_gunicorn_alone_serves_the_pages_and_their_static_files(production: str) -> None:
    site = {"Host": "award.example.org", "X-Forwarded-Proto": "https"}
    status, _headers, body = get(production + "/", **site)
    assert status == 200
    html = body.decode()
    stylesheet = html.split('<link rel="stylesheet" href="', 1)[1].split('"', 1)[0]
    assert stylesheet.startswith("/static/css/site.") and stylesheet.endswith(".css") and stylesheet != "/static/css/site.css"
    status, headers, css = get(production + stylesheet, **site, **{"Accept-Encoding": "gzip"})
    assert status == 200 and headers["Content-Type"].startswith("text/css")
    assert headers.get("Content-Encoding") == "gzip"
    assert gzip.decompress(css).decode().startswith((ROOT / "static" / "css" / "site.css").read_text()[:200])
    assert "max-age=315360000" in headers["Cache-Control"] and "immutable" in headers["Cache-Control"]
    for script in ("/static/channels_app/contact_form.js", "/static/admin/css/base.css"):
        assert get(production + script, **site)[0] == 200, script  # the unhashed name is served too


def test_healthz_answers_the_containers_probe_before_host_and_https_checks(production: str) -> None:
    status, headers, body = get(production + "/healthz")  # host 127.0.0.1 is not allowed; no https
    assert status == 200 and headers["Cache-Control"] == "no-store"
    assert json.loads(body) == {"status": "ok", "checks": {"database": "ok", "cache": "ok", "broker": "not used"}}
    assert get(production + "/", Host="127.0.0.1")[0] == 400  # every other page still checks the host
    assert get(production + "/", Host="award.example.org")[0] == 301  # and redirects to https


@override_settings(
    CACHES={
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": f"redis://127.0.0.1:{free_port()}/0"}
    }
)
def test_healthz_says_what_is_unreachable_with_503(db: None) -> None:
    response = Client().get("/healthz")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "unavailable" and body["checks"]["database"] == "ok"
    assert body["checks"]["cache"].startswith("error: ConnectionError")
    assert Client().post("/healthz").status_code == 405


def test_every_cookie_is_same_site(db: None) -> None:
    from django.contrib.auth.models import User

    User.objects.create_user("lise", password="a-long-password-2021")
    client = Client()
    language = client.post("/i18n/setlang/", {"language": "sv", "next": "/"})
    login = client.get("/accounts/login/")
    logged_in = client.post("/accounts/login/", {"username": "lise", "password": "a-long-password-2021"})
    cookies = {**language.cookies, **login.cookies, **logged_in.cookies}
    assert {"django_language", "csrftoken", "sessionid"} <= set(cookies)
    assert {name: cookie["samesite"] for name, cookie in cookies.items()} == dict.fromkeys(cookies, "Lax")


def test_every_page_has_a_content_security_policy_without_inline_script(db: None) -> None:
    for url in ("/", "/accounts/login/", "/admin/login/"):
        policy = Client().get(url)["Content-Security-Policy"]
        directives = dict(part.strip().split(" ", 1) for part in policy.split(";"))
        assert directives["script-src"] == "'self'", url  # no 'unsafe-inline', no 'unsafe-eval'
        assert directives["default-src"] == "'self'" and directives["object-src"] == "'none'", url
        assert directives["frame-ancestors"] == "'none'", url
