"""Schemathesis against the API's own OpenAPI schema, once per role with that role's token (make schemathesis; .ci/run).

    python -m tests.fuzz.api [--max-examples N] [--role organiser ...]

For each role it copies a database holding the demo edition (with a token for each role's demo account) so that no
role's writes change what another's run sees, serves it with gunicorn on a free port (DEBUG off, as in production),
and runs `st run` with every phase, the stateful one included (links inferred from Location headers and from the
schema). The checks are the issue's: no server error, and no response that breaks the schema (status code, content
type, headers, body). Exits non-zero when any role's run finds a failure; the server's log of each run is kept
under test-artifacts/schemathesis/.
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import shutil
import socket
import subprocess  # nosec B404  # runs our own manage.py, gunicorn and schemathesis
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
ARTIFACTS = ROOT / "test-artifacts" / "schemathesis"
ROLES = ("public", "company", "judge", "organiser")
CHECKS = ",".join(
    [
        "not_a_server_error",
        "status_code_conformance",
        "content_type_conformance",
        "response_headers_conformance",
        "response_schema_conformance",
    ]
)
PHASES = "examples,coverage,fuzzing,stateful"
# Gunicorn answers a request line over 4,094 bytes with its own HTML 414, before the application sees it (as a proxy
# in front would); the fuzzer's longest query strings are the application's to answer, so that limit is lifted here.
NO_LINE_LIMIT = ["--limit-request-line", "0"]

SEED = """
import json
from django.contrib.auth.models import User
from audit.models import Source
from award.accounts.tokens import token_create
accounts = {"organiser": "arrangor", "judge": "dommer1", "company": "sognenett"}
def secret(name):
    owner = User.objects.get(username=name)
    return token_create(owner=owner, name="schemathesis", scopes=["read", "write"], source=Source.COMMAND).secret
tokens = {role: secret(name) for role, name in accounts.items()}
print(json.dumps(tokens))
"""


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def environment(database: Path, static: Path) -> dict[str, str]:
    keep = {name: value for name, value in os.environ.items() if not name.startswith(("DATABASE_URL", "REDIS_URL", "CELERY_"))}
    return keep | {
        "DATABASE_URL": f"sqlite:///{database}",
        "STATIC_ROOT": str(static),  # collected as production serves it: a page's assets by their hashed names
        "DEBUG": "false",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "false",
        "API_RATE_PER_TOKEN": "100000/min",  # throttled answers are documented, but would hide what lies behind them
        "API_RATE_PER_ADDRESS": "100000/min",
        "DJANGO_SETTINGS_MODULE": "config.settings",
    }


def manage(database: Path, *args: str, stdin: str | None = None) -> str:
    command = [sys.executable, "manage.py", *args]
    env = environment(database, database.parent / "static")
    done = subprocess.run(command, check=False, cwd=ROOT, env=env, input=stdin, capture_output=True, text=True)  # nosec B603
    if done.returncode != 0:
        raise SystemExit(f"manage.py {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}")
    return done.stdout


def seed(folder: Path) -> tuple[Path, dict[str, str]]:
    database = folder / "seed.sqlite3"
    manage(database, "migrate", "-v0")
    manage(database, "collectstatic", "--noinput", "-v0")
    manage(database, "load_demo")
    out = manage(database, "shell", stdin=SEED)
    return database, json.loads(out.strip().splitlines()[-1])


def run_role(role: str, seeded: Path, tokens: dict[str, str], folder: Path, max_examples: int) -> int:
    database = folder / f"{role}.sqlite3"
    shutil.copy(seeded, database)
    port = free_port()
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    log = (ARTIFACTS / f"{role}-server.log").open("w")
    server = subprocess.Popen(  # nosec B603
        [str(BIN / "gunicorn"), "config.wsgi", "-b", f"127.0.0.1:{port}", "-w", "2", "--access-logfile", "-", *NO_LINE_LIMIT],
        cwd=ROOT,
        env=environment(database, folder / "static"),
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 30
        while not _answers(port):
            if time.monotonic() > deadline or server.poll() is not None:
                raise SystemExit(f"gunicorn did not answer on port {port}: see {log.name}")
            time.sleep(0.2)
        command = [
            sys.executable,
            "-m",
            "tests.fuzz.st_main",  # st, with a work-around for a bug of CPython 3.11.7 (its docstring)
            "run",
            f"http://127.0.0.1:{port}/api/schema/",
            "--checks",
            CHECKS,
            "--phases",
            PHASES,
            "--max-examples",
            str(max_examples),
            "--seed",
            "2021",
            "--workers",
            "2",
            "--no-color",
            "--report",
            "junit",
            "--report-junit-path",
            str(ARTIFACTS / f"{role}.xml"),
        ]
        if role != "public":
            command += ["--header", f"Authorization: Bearer {tokens[role]}"]
        print(f"\n=== schemathesis as {role} ===", flush=True)
        return subprocess.run(command, check=False, cwd=ROOT).returncode  # nosec B603
    finally:
        os.killpg(server.pid, 15)
        server.wait(timeout=30)
        log.close()


def _answers(port: int) -> bool:
    import urllib.request

    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/v1/editions/", timeout=2) as response:  # nosec B310
            return bool(response.status == 200)
    except OSError:
        return False


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--max-examples", type=int, default=int(os.environ.get("SCHEMATHESIS_MAX_EXAMPLES", "25")))
    parser.add_argument("--role", action="append", choices=ROLES)
    options = parser.parse_args()
    started = time.monotonic()
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        seeded, tokens = seed(folder)
        results = {role: run_role(role, seeded, tokens, folder, options.max_examples) for role in options.role or ROLES}
    summary = ", ".join(f"{role} {'passed' if code == 0 else 'FAILED'}" for role, code in results.items())
    print(f"\nschemathesis: {summary}")
    print(f"in {time.monotonic() - started:.0f} s; reports and server logs in {ARTIFACTS.relative_to(ROOT)}/")
    return 0 if all(code == 0 for code in results.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
