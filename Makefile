# ukeoi — `make run` serves the demo site, `make test` runs every test. Both set up first.
SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
UV := python3 -m uv
export UV_PYTHON_DOWNLOADS := never
PG_URL ?= postgres://postgres@127.0.0.1:5432/ukeoi

.PHONY: setup run test test-suite e2e browser lint fmt typecheck check messages messages-check ledger-check bench-ledger bench-withdrawal bench-payouts clean prod-local prod-local-stop fuzz bench-http

$(VENV)/.synced: pyproject.toml uv.lock
	@python3 -m uv --version >/dev/null 2>&1 || python3 -m pip install --quiet uv
	$(UV) sync --frozen
	@touch $@

setup: $(VENV)/.synced
	@bash scripts/ensure-document-fonts.sh

# `make run RUN_ADDR=127.0.0.1:8101` serves elsewhere; links in mail follow (SITE_URL unset).
RUN_ADDR ?= 127.0.0.1:8000

run: export DEBUG = true
run: setup
	$(PY) manage.py migrate --noinput
	$(PY) manage.py load_bank_master
	$(PY) manage.py demo_data
	$(PY) manage.py runserver $(RUN_ADDR)

browser:
	@bash scripts/ensure-browser.sh

test: setup browser test-suite

test-suite:
	$(VENV)/bin/pytest

e2e: setup browser
	$(VENV)/bin/pytest tests/e2e

lint: setup
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

fmt: setup
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

typecheck: setup
	$(VENV)/bin/mypy ukeoi tests bench

check: lint typecheck

# Refresh the Japanese catalogue after changing strings (needs GNU gettext); the .mo is committed.
# English is the source language: Django shows the msgid, so there is no en catalogue.
messages: setup
	cd ukeoi && ../$(PY) ../manage.py makemessages -l ja --no-obsolete --no-location
	cd ukeoi && ../$(PY) ../manage.py compilemessages

messages-check: setup
	bash scripts/check-messages.sh

ledger-check: setup
	$(PY) manage.py ledger_check
	$(PY) manage.py documents_check

# API fuzzing (schemathesis over /api/openapi.json, fixed seed; FUZZ_EXAMPLES per operation),
# then a control character (NUL, C0, DEL, C1) in each operation's parameters and body fields.
fuzz: setup
	$(VENV)/bin/pytest tests/fuzz -m fuzz -q -p no:randomly

# The production shape on this machine (gunicorn, Celery worker and beat on PostgreSQL and
# Redis); README "Production". Stop exactly those processes with prod-local-stop.
prod-local: setup
	bash scripts/prod-local.sh start

prod-local-stop:
	bash scripts/prod-local.sh stop

# HTTP load on the prod-local stack (figures as one JSON line; README "Production").
bench-http: setup
	DATABASE_URL=$${DATABASE_URL:-$(PG_URL)} $(PY) -m bench.http_load

bench-ledger: setup
	DATABASE_URL=$${DATABASE_URL:-$(PG_URL)} $(PY) -m bench.ledger

# W1/W2: the withdrawal facts selector at 10 and 1,000,000 history rows (one JSON line).
bench-withdrawal: setup
	DATABASE_URL=$${DATABASE_URL:-$(PG_URL)} $(PY) -m bench.withdrawal

# The payout batch over 1,000,000 accounts vs one set-based SQL statement (ACCOUNTS=… to change).
bench-payouts: setup
	DATABASE_URL=$${DATABASE_URL:-$(PG_URL)} $(PY) -m bench.payouts --accounts $${ACCOUNTS:-1000000}

clean:
	rm -rf $(VENV) var db.sqlite3 tests/e2e/screens
