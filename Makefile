# The two commands a newcomer needs: `make run` and `make test`.
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000

# Integration tier: real PostgreSQL and Redis (override to point elsewhere).
TEST_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/annotator
TEST_BROKER_URL ?= redis://127.0.0.1:6379/15

.PHONY: run test test-core test-integration pytest setup clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.runtime: requirements.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.test: requirements.txt requirements-test.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements-test.txt
	touch $@ $(VENV)/.runtime

setup: $(VENV)/.runtime

# Quick start: SQLite and a filesystem message queue in ./data, unless
# DATABASE_URL / CELERY_BROKER_URL say otherwise.
run: $(VENV)/.runtime
	@export DEBUG=$${DEBUG:-true}; set -e; \
	$(BIN)/python manage.py migrate --noinput; \
	$(BIN)/python manage.py load_seeds; \
	$(BIN)/python manage.py create_demo_users; \
	$(BIN)/python manage.py load_demo; \
	exec $(BIN)/python manage.py serve --port $(PORT)

test: test-core test-integration

CHROMIUM ?= /usr/bin/chromium

# The browser tests drive Debian's Chromium (Playwright's own download cannot
# work on a closed network).
$(CHROMIUM):
	@echo "Installing Debian's chromium and Node.js for the browser and JavaScript tests..."
	@if [ "$$(id -u)" = 0 ]; then apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium nodejs; \
	else echo "Please run: sudo apt-get install chromium nodejs"; exit 1; fi

# pytest-xdist spreads the tests over PYTEST_WORKERS processes (auto: one per CPU; 0: all in
# one process, as before). Each process has its own test database (SQLite file or
# PostgreSQL database), export folder, Celery queue and server ports; worksteal evens
# out the long tests (the schema fuzz is one test per operation).
PYTEST_WORKERS ?= auto
XDIST := -n $(PYTEST_WORKERS) --dist worksteal

# Core tier: SQLite, nothing to install; the browser tests; the DOM-free JavaScript modules.
test-core: $(VENV)/.test $(CHROMIUM)
	node --test tests/js/
	$(BIN)/python -m pytest -m "not integration" $(XDIST) $(PYTEST_ARGS)

# Integration tier: the whole suite again on PostgreSQL, plus the tests of the
# real Redis broker and Celery worker. Mandatory when CI=true; elsewhere it
# is left out, loudly, when the servers are not reachable. The browser tests
# ran in the core tier already: the front end does not change with the database;
# nor do the tests that use no database (database_free, marked by tests/conftest.py).
test-integration: $(VENV)/.test
	@if [ "$$CI" != "true" ] && ! DATABASE_URL=$(TEST_DATABASE_URL) CELERY_BROKER_URL=$(TEST_BROKER_URL) \
	    $(BIN)/python -m tests.services_check; then \
	  echo "*** Integration tier NOT RUN: start PostgreSQL and Redis (see README) to run it. ***"; \
	else \
	  DATABASE_URL=$(TEST_DATABASE_URL) CELERY_BROKER_URL=$(TEST_BROKER_URL) \
	    $(BIN)/python -m pytest -m "not browser and not database_free" $(XDIST) $(PYTEST_ARGS); \
	fi

# One test file or test, with the test tools installed first (`make run` installs only the
# runtime): make pytest T=tests/services/test_seeds.py::test_load_seeds_changes_nothing_when_run_twice
pytest: $(VENV)/.test
	$(BIN)/python -m pytest $(T) $(PYTEST_ARGS)

clean:
	rm -rf $(VENV) data staticfiles .pytest_cache
