# Two commands for a newcomer: `make run` and `make test` (README, Quick start).
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
# Tests run in production mode (DEBUG off), so they need a key; it protects nothing.
TEST_ENV := SECRET_KEY=test-only-key-not-a-secret-0123456789-abcdefghijklmnopqrstuvwxyz
# One test process per core (pytest-xdist); each gets its own test database.
TEST_WORKERS ?= auto

.PHONY: run test lint venv messages bench worker clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

# Reinstall only when requirements.txt changes.
$(VENV)/.installed: requirements.txt | $(BIN)/python
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.txt
	touch $@

venv: $(VENV)/.installed

# Background work (batch dossiers, big imports) goes through the database task queue: a
# db_worker runs beside the server, and stops with it (Ctrl-C or any exit).
run: venv
	DEBUG=true $(BIN)/python manage.py migrate --noinput
	DEBUG=true $(BIN)/python manage.py seed_demo
	export DEBUG=true TASKS_BACKEND=database; \
	$(BIN)/python manage.py db_worker & worker=$$!; \
	trap 'kill $$worker 2>/dev/null; wait $$worker 2>/dev/null' EXIT INT TERM; \
	$(BIN)/python manage.py runserver 127.0.0.1:$(PORT)

lint: venv
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

test: lint node_modules
	$(TEST_ENV) $(BIN)/python manage.py makemigrations --check --dry-run > /dev/null
	$(TEST_ENV) $(BIN)/python -m pytest -n $(TEST_WORKERS) $(PYTEST_ARGS)

# Regenerate the message catalogues after changing user-facing strings, then compile.
# No source locations: they move with every edit and make parallel branches conflict.
messages: venv
	DEBUG=true $(BIN)/python manage.py makemessages -l fr -l nl -l en --no-obsolete --no-location \
		--ignore=.venv --ignore=tests --ignore=staticfiles
	DEBUG=true $(BIN)/python manage.py compilemessages --ignore=.venv

bench: venv
	$(BIN)/python tests/benchmarks/bench_calculation.py
	$(BIN)/python tests/benchmarks/bench_dossier.py
	$(BIN)/python tests/benchmarks/bench_outages.py

.PHONY: bench-claims
bench-claims: venv
	$(BIN)/python tests/benchmarks/bench_claims.py

clean:
	rm -rf $(VENV) staticfiles .pytest_cache .ruff_cache

# The legal team's workspace on PostgreSQL (DATABASE_URL: a server it may create a
# throwaway database on): review list over 40,000 claims, 1,000-claim batch dossier, CSV.
.PHONY: bench-review
bench-review: venv
	$(BIN)/python tests/benchmarks/bench_review.py

# Test-only JavaScript (axe-core, which the browser tests load from disk into each page),
# pinned in package-lock.json; reinstalled only when the lock changes.
node_modules: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@
