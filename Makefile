# Two commands for a newcomer: `make run` and `make test` (README, Quick start).
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
# Tests run in production mode (DEBUG off), so they need a key; it protects nothing.
TEST_ENV := SECRET_KEY=test-only-key-not-a-secret-0123456789-abcdefghijklmnopqrstuvwxyz
# One test process per core (pytest-xdist); each gets its own test database. Tests are
# handed out in pytest-django's order (transactional tests last), never stolen: a stolen
# ordinary test would run after a transactional one has emptied the database (README, Tests).
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
# db_worker runs beside the server, with the status watcher (replaying the bundled recorded
# answers of evidence/replay) and the notifications scheduler (reminders, digests; it
# catches up once what it missed); scripts/supervise restarts any of them if it exits, and
# all stop with the server (Ctrl-C or any exit).
run: venv
	DEBUG=true $(BIN)/python manage.py migrate --noinput
	DEBUG=true $(BIN)/python manage.py seed_demo
	DEBUG=true $(BIN)/python manage.py notifications_sync_calendar
	export DEBUG=true TASKS_BACKEND=database; \
	scripts/supervise $(BIN)/python manage.py db_worker & worker=$$!; \
	EHEALTH_STATUS_INTERVAL=$${EHEALTH_STATUS_INTERVAL:-20} \
	  scripts/supervise $(BIN)/python manage.py watch_ehealth_status --replay evidence/replay & watcher=$$!; \
	scripts/supervise $(BIN)/python manage.py notifications_scheduler & scheduler=$$!; \
	trap 'kill $$worker $$watcher $$scheduler 2>/dev/null; wait $$worker $$watcher $$scheduler 2>/dev/null' EXIT INT TERM; \
	$(BIN)/python manage.py runserver 127.0.0.1:$(PORT)

lint: venv
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

test: lint node_modules
	$(TEST_ENV) $(BIN)/python manage.py makemigrations --check --dry-run > /dev/null
	$(TEST_ENV) $(BIN)/python -m pytest -n $(TEST_WORKERS) --dist load $(PYTEST_ARGS)

# Regenerate the message catalogues after changing user-facing strings, then compile.
# No source locations: they move with every edit and make parallel branches conflict.
messages: venv
	DEBUG=true $(BIN)/python manage.py makemessages -l fr -l nl -l en --no-obsolete --no-location \
		--ignore=.venv --ignore=tests --ignore=staticfiles
	DEBUG=true $(BIN)/python manage.py compilemessages --ignore=.venv

bench: venv
	$(BIN)/python tests/benchmarks/bench_calculation.py --doctors 20000
	$(BIN)/python tests/benchmarks/bench_dossier.py
	$(BIN)/python tests/benchmarks/bench_submit.py
	$(BIN)/python tests/benchmarks/bench_claim_page.py
	$(BIN)/python tests/benchmarks/bench_seal.py
	$(BIN)/python tests/benchmarks/bench_outages.py
	@if [[ "$$DATABASE_URL" == postgres* ]]; then $(BIN)/python tests/benchmarks/bench_bulk.py; \
	else echo "bench_bulk.py skipped: it needs DATABASE_URL=postgres://... (make bench-bulk)"; fi
	@if [[ "$$DATABASE_URL" == postgres* ]]; then $(BIN)/python tests/benchmarks/bench_review.py --parts list; \
	else echo "bench_review.py skipped: it needs DATABASE_URL=postgres://... (make bench-review)"; fi

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

# Independent evidence: calendar with doctors' counts, candidates, SLA report, API, watcher.
.PHONY: bench-evidence
bench-evidence: venv
	$(BIN)/python tests/benchmarks/bench_evidence.py

# The hostile files of the security audit (README, "Hardening"): time and peak memory.
.PHONY: bench-hostile
bench-hostile: venv
	$(BIN)/python tests/benchmarks/bench_hostile.py

# Notifications: a calendar change check over 500 claims and 500 doctors' digests, with
# their time and queries (PostgreSQL via DATABASE_URL, or SQLite).
.PHONY: bench-notifications
bench-notifications: venv
	$(BIN)/python tests/benchmarks/bench_notifications.py

# Scale-out on loopback: two gunicorn servers, two db_workers, SeaweedFS (S3), the machine's
# PostgreSQL (DATABASE_URL) and Redis (CLUSTER_REDIS_URL, default redis://127.0.0.1:6379/3).
.PHONY: cluster-test
cluster-test: venv
	$(TEST_ENV) $(BIN)/python -m pytest -m cluster tests/cluster -p no:xdist $(PYTEST_ARGS)

# Capacity on the same cluster (bounded, loopback only): req/s per app-server core at
# p95 <= 500 ms for the doctors' mix and the public calendar, dossiers/minute per worker core.
.PHONY: capacity
capacity: venv
	$(BIN)/python tests/benchmarks/capacity.py

# The bulk path (every doctor's claim in one streaming pass) against reading the same rows
# raw, on PostgreSQL (DATABASE_URL: a server it may create a throwaway database on).
.PHONY: bench-bulk
bench-bulk: venv
	$(BIN)/python tests/benchmarks/bench_bulk.py

# Test-only JavaScript (axe-core, which the browser tests load from disk into each page),
# pinned in package-lock.json; reinstalled only when the lock changes.
node_modules: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@
