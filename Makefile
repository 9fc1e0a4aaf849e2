# The two commands a newcomer needs: `make demo` and `make test`.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: demo test lint check-deploy schemathesis format worker beat bench install messages

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: $(BIN)/python requirements.txt requirements-dev.txt
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements-dev.txt
	touch $@

install: $(VENV)/.installed

demo: install
	$(BIN)/python manage.py migrate --noinput -v0
	$(BIN)/python manage.py load_demo --url http://$(HOST):$(PORT)
	$(BIN)/python manage.py runserver $(HOST):$(PORT)

# The suite in parallel (pytest-xdist): a worker per core, at most four (each has its own test database, and with
# REDIS_URL its own Redis database after that one), each test file on one worker so that the data layers a file
# shares are built once. PYTEST_WORKERS=0 runs it in this process.
PYTEST_WORKERS ?= auto
test: install
	$(BIN)/python -m pytest -n $(PYTEST_WORKERS) --maxprocesses 4 --dist loadfile $(PYTEST_ARGS)

# bandit (the security lint, configured in pyproject.toml) must find nothing. Its "nosec encountered ..., but no failed
# test" warnings are bandit's own noise on lines with several nodes (PyCQA/bandit#1041), not findings.
lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy .
	$(BIN)/lint-imports
	$(BIN)/bandit -c pyproject.toml -r . -q

# Django's deployment checks on production settings, as docker-compose.yml sets them (DEBUG off, a random key of 50+
# characters, a host name, PostgreSQL and a Redis with a password): any warning fails. Nothing is connected to.
check-deploy: install
	DEBUG=false SECRET_KEY="$$($(BIN)/python -c 'import secrets; print(secrets.token_urlsafe(50))')" \
	ALLOWED_HOSTS=award.example.org DATABASE_URL=postgres://award:award@postgres:5432/award \
	REDIS_URL=redis://:redis-password@redis:6379/1 CELERY_BROKER_URL=redis://:redis-password@redis:6379/0 \
	$(BIN)/python manage.py check --deploy --fail-level WARNING

# Schemathesis against the API's own schema, once per role with that role's token, every phase (stateful included):
# no server error, no answer that breaks the schema (tests/fuzz/api.py). SCHEMATHESIS_MAX_EXAMPLES sets the depth.
schemathesis: install
	$(BIN)/python -m tests.fuzz.api

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

messages: install
	$(BIN)/python manage.py makemessages -l nb -l sv -l en --ignore=.venv --ignore=staticfiles
	$(BIN)/python manage.py compilemessages --ignore=.venv

worker: install
	$(BIN)/celery -A config worker --loglevel=info

beat: install
	$(BIN)/celery -A config beat --loglevel=info

# Every benchmark, each writing its section of bench/RESULTS.md (ratios measured side by side in one run). The first
# run builds the editions of 4,900, 100,000 and 1,000,000 contacts (bench/edition.py) into databases of their own,
# bench_edition_N on the local PostgreSQL and var/bench/ for SQLite, which later runs reuse: about an hour the first
# time, less after. It needs PostgreSQL, redis-server and wrk (apt-get install -y wrk).
bench: install
	$(BIN)/python -m bench
	$(BIN)/python -m bench.bench_scoring $(BENCH_SCORING_ARGS)
	$(BIN)/python -m bench.bench_freshness
	$(BIN)/python -m bench.bench_pages
	$(BIN)/python -m bench.bench_dashboard
	$(BIN)/python -m bench.bench_plan
	$(BIN)/python -m bench.bench_import $(BENCH_IMPORT_ARGS)
