# The two commands of the README: `make run` and `make test`. Both set everything up first.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: install run test test-system lint migrate bench e2e-deps

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

migrate: install
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py createcachetable
	$(BIN)/python manage.py signing_keys ensure

# The server and the webhooks worker (`manage.py worker`: django-q2, on the database when REDIS_URL
# is unset); the worker is stopped when the server exits.
run: migrate
	@$(BIN)/python manage.py worker & worker=$$!; \
	trap 'kill $$worker 2>/dev/null; wait $$worker 2>/dev/null' EXIT INT TERM; \
	$(BIN)/python manage.py runserver $(HOST):$(PORT)

# The whole suite; PYTEST_ARGS narrows it (e.g. PYTEST_ARGS="-m 'not system'").
test: install
	$(BIN)/python -m pytest $(PYTEST_ARGS)

# Real gunicorn instances against a private PostgreSQL and Redis (see README "Reliability").
test-system: install
	$(BIN)/python -m pytest -m system tests/system

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy .
	$(BIN)/python manage.py makemigrations --check --dry-run

# The benchmark (bench/run.py) needs wrk (Debian's package) and the local PostgreSQL + Redis.
bench: install
	command -v wrk >/dev/null || (apt-get update -qq && apt-get install -y -qq wrk)
	$(BIN)/python -m pip install --quiet -e '.[dev,bench]'
	$(BIN)/python bench/run.py $(BENCH_ARGS)
# Debian's Chromium and ChromeDriver for the browser test (tests/e2e); needs root. Skipped
# when both are already installed.
e2e-deps:
	@if [ -x /usr/bin/chromium ] && [ -x /usr/bin/chromedriver ]; then \
		echo "chromium and chromedriver are installed"; \
	else \
		apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y chromium chromium-driver; \
	fi
