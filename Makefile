# Two commands for a newcomer: `make run` and `make test` (README, Quick start).
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
# Tests run in production mode (DEBUG off), so they need a key; it protects nothing.
TEST_ENV := SECRET_KEY=test-only-key-not-a-secret-0123456789-abcdefghijklmnopqrstuvwxyz

.PHONY: run test lint venv messages bench worker clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

# Reinstall only when requirements.txt changes.
$(VENV)/.installed: requirements.txt | $(BIN)/python
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.txt
	touch $@

venv: $(VENV)/.installed

run: venv
	DEBUG=true $(BIN)/python manage.py migrate --noinput
	DEBUG=true $(BIN)/python manage.py seed_demo
	DEBUG=true $(BIN)/python manage.py runserver 127.0.0.1:$(PORT)

lint: venv
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

test: lint
	$(TEST_ENV) $(BIN)/python manage.py makemigrations --check --dry-run > /dev/null
	$(TEST_ENV) $(BIN)/python -m pytest $(PYTEST_ARGS)

# Regenerate the message catalogues after changing user-facing strings, then compile.
messages: venv
	DEBUG=true $(BIN)/python manage.py makemessages -l fr -l nl -l en --no-obsolete \
		--ignore=.venv --ignore=tests --ignore=staticfiles
	DEBUG=true $(BIN)/python manage.py compilemessages --ignore=.venv

bench: venv
	$(BIN)/python tests/benchmarks/bench_calculation.py
	$(BIN)/python tests/benchmarks/bench_dossier.py

.PHONY: bench-claims
bench-claims: venv
	$(BIN)/python tests/benchmarks/bench_claims.py

clean:
	rm -rf $(VENV) staticfiles .pytest_cache .ruff_cache
