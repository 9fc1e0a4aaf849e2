"""Settings from the environment, the production guard, and docker-compose.yml."""

from __future__ import annotations

import json
import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

import yaml

from tests.conftest import ROOT, need

SETTINGS_NAMES = set(re.findall(r'env\.\w+\("([A-Z_]+)"', (ROOT / "config" / "settings.py").read_text()))


def run_django(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if k not in SETTINGS_NAMES}
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=clean | env, capture_output=True, text=True, timeout=120, check=False
    )


def test_production_refuses_to_start_without_a_secret_or_hosts() -> None:
    no_secret = run_django("check", DEBUG="false", ALLOWED_HOSTS="award.example.org")
    assert no_secret.returncode == 1
    assert "Set SECRET_KEY" in no_secret.stderr

    no_hosts = run_django("check", DEBUG="false", SECRET_KEY=secrets.token_urlsafe(50))
    assert no_hosts.returncode == 1
    assert "Set ALLOWED_HOSTS" in no_hosts.stderr


# Production as docker-compose.yml runs it: PostgreSQL, and Redis with a password as cache and broker.
PRODUCTION = {
    "DEBUG": "false",
    "ALLOWED_HOSTS": "award.example.org",
    "DATABASE_URL": "postgres://award:award@postgres:5432/award",
    "REDIS_URL": "redis://:redis-password@redis:6379/1",
    "CELERY_BROKER_URL": "redis://:redis-password@redis:6379/0",
}


def test_production_settings_pass_check_deploy() -> None:
    """`make check-deploy` (a step of CI): no warning at all, none silenced; the checks connect to nothing."""
    result = run_django("check", "--deploy", "--fail-level", "WARNING", SECRET_KEY=secrets.token_urlsafe(50), **PRODUCTION)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout


def test_check_deploy_warns_when_production_turns_https_off() -> None:
    """The settings do not silence the deployment checks: turning the redirect or HSTS off is a warning, and fails."""
    for off in ({"SECURE_SSL_REDIRECT": "false"}, {"SECURE_HSTS_SECONDS": "0"}):
        result = run_django(
            "check", "--deploy", "--fail-level", "WARNING", SECRET_KEY=secrets.token_urlsafe(50), **PRODUCTION, **off
        )
        assert result.returncode == 1, off
        assert ("security.W008" if "SECURE_SSL_REDIRECT" in off else "security.W004") in result.stderr


def test_defaults_need_no_services() -> None:
    need(not (ROOT / ".env").exists(), "a .env file overrides the defaults on this machine")
    show = "from django.conf import settings as s; print(s.DATABASES['default']['ENGINE'], s.CACHES['default']['BACKEND'], "
    show += "s.CELERY_TASK_ALWAYS_EAGER, s.LANGUAGE_CODE, s.TIME_ZONE, ','.join(code for code, _ in s.LANGUAGES))"
    result = run_django("shell", "-c", show)
    assert result.stdout.split()[-6:] == [
        "django.db.backends.sqlite3",
        "django.core.cache.backends.locmem.LocMemCache",
        "True",
        "nb",
        "Europe/Oslo",
        "nb,sv,en",
    ]


def test_env_example_lists_every_setting() -> None:
    listed = set(re.findall(r"^([A-Z_]+)=", (ROOT / ".env.example").read_text(), flags=re.M))
    assert listed == SETTINGS_NAMES


def test_docker_compose_has_the_services_with_health_checks_and_the_settings_names() -> None:
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    services = compose["services"]
    assert {"web", "worker", "beat", "postgres", "redis"} <= set(services)
    for name in ("web", "worker", "beat", "postgres", "redis"):
        assert services[name].get("healthcheck", {}).get("test"), f"{name} has no health check"
    assert "gunicorn" in services["web"]["command"]
    assert services["worker"]["command"][:4] == ["celery", "-A", "config", "worker"]
    assert services["beat"]["command"][:4] == ["celery", "-A", "config", "beat"]
    for name in ("web", "worker", "beat"):
        environment = services[name]["environment"]
        assert set(environment) <= SETTINGS_NAMES, set(environment) - SETTINGS_NAMES
        assert {"DATABASE_URL", "REDIS_URL", "CELERY_BROKER_URL", "DEBUG"} <= set(environment)
        assert environment["DATABASE_URL"].startswith("postgres://")
        for url in ("REDIS_URL", "CELERY_BROKER_URL"):  # with the password compose requires
            assert environment[url].startswith("redis://:${REDIS_PASSWORD:?set REDIS_PASSWORD in .env}@redis:6379/")
        assert services[name]["depends_on"]["postgres"]["condition"] == "service_healthy"


def test_compose_redis_requires_a_password() -> None:
    redis = yaml.safe_load((ROOT / "docker-compose.yml").read_text())["services"]["redis"]
    assert redis["command"][-2:] == ["--requirepass", "${REDIS_PASSWORD:?set REDIS_PASSWORD in .env}"]
    assert redis["environment"]["REDISCLI_AUTH"] == "${REDIS_PASSWORD:?set REDIS_PASSWORD in .env}"
    assert "# REDIS_PASSWORD=" in (ROOT / ".env.example").read_text()


def test_compose_probes_the_web_service_with_healthz_and_the_image_collects_as_production_serves() -> None:
    services = yaml.safe_load((ROOT / "docker-compose.yml").read_text())["services"]
    assert "http://127.0.0.1:8000/healthz" in " ".join(services["web"]["healthcheck"]["test"])
    dockerfile = (ROOT / "Dockerfile").read_text()
    assert "DEBUG=false" in dockerfile.split("collectstatic", 1)[0].rsplit("RUN", 1)[1]


def test_the_security_log_goes_to_stderr_and_to_the_file_security_log_file_names(tmp_path: Path) -> None:
    log_file = tmp_path / "security.log"
    write = "from audit.security import security_event; security_event('login.failed', user='kåre')"

    result = run_django("shell", "-c", write, SECURITY_LOG_FILE=str(log_file), LOG_LEVEL="ERROR")
    without_file = run_django("shell", "-c", write, LOG_LEVEL="ERROR")

    (line,) = log_file.read_text(encoding="utf-8").splitlines()
    assert json.loads(line) | {"time": "-"} == {"time": "-", "event": "login.failed", "user": "kåre", "ip": "-"}
    assert line in result.stderr.splitlines()  # the root logger's level (LOG_LEVEL) leaves it alone
    assert json.loads(without_file.stderr.splitlines()[-1])["user"] == "kåre"
