# ukeoi — `make run` serves the demo site, `make test` runs every test. Both set up first.
SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
UV := python3 -m uv
export UV_PYTHON_DOWNLOADS := never
PG_URL ?= postgres://postgres@127.0.0.1:5432/ukeoi

.PHONY: setup run test test-suite e2e browser lint fmt typecheck check messages messages-check ledger-check bench-ledger clean

$(VENV)/.synced: pyproject.toml uv.lock
	@python3 -m uv --version >/dev/null 2>&1 || python3 -m pip install --quiet uv
	$(UV) sync --frozen
	@touch $@

setup: $(VENV)/.synced

run: export DEBUG = true
run: setup
	$(PY) manage.py migrate --noinput
	$(PY) manage.py load_bank_master
	$(PY) manage.py demo_data
	$(PY) manage.py runserver 127.0.0.1:8000

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

# Refresh the catalogues after changing strings (needs GNU gettext); the .mo files are committed.
messages: setup
	cd ukeoi && ../$(PY) ../manage.py makemessages -l ja -l en --no-obsolete --no-location
	cd ukeoi && ../$(PY) ../manage.py compilemessages

messages-check: setup
	bash scripts/check-messages.sh

ledger-check: setup
	$(PY) manage.py ledger_check

bench-ledger: setup
	DATABASE_URL=$${DATABASE_URL:-$(PG_URL)} $(PY) bench/ledger.py

clean:
	rm -rf $(VENV) var db.sqlite3 tests/e2e/screens
