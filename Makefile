# Two commands: `make dev` (set up, then run the API and the dashboard) and `make test`.
SHELL := /bin/bash
VENV := server/.venv
PYTHON ?= python3
DEPS_STAMP := $(VENV)/.deps-installed
CLIENT_STAMP := client/node_modules/.deps-installed

.PHONY: setup dev api client test test-server test-client lint migrate bench clean

setup: $(DEPS_STAMP) migrate $(if $(wildcard client/package.json),$(CLIENT_STAMP))

$(DEPS_STAMP): server/requirements.txt server/requirements-dev.txt
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --upgrade pip
	$(VENV)/bin/pip install --quiet -r server/requirements-dev.txt
	touch $@

$(CLIENT_STAMP): client/package.json client/package-lock.json
	cd client && npm ci --no-audit --no-fund
	touch $@

migrate: $(DEPS_STAMP)
	$(VENV)/bin/alembic upgrade head

dev: setup
	scripts/dev.sh

api: setup
	cd server && .venv/bin/uvicorn src.app:app --reload --no-proxy-headers --host 127.0.0.1 --port 8000

lint: $(DEPS_STAMP)
	cd server && .venv/bin/ruff check src tests migrations
	cd server && .venv/bin/mypy

test-server: $(DEPS_STAMP)
	cd server && .venv/bin/pytest

test-client: $(if $(wildcard client/package.json),$(CLIENT_STAMP))
	@if [ -f client/package.json ]; then \
		cd client && npm run typecheck && npm test && npm run e2e; \
	else echo "client/ not present: no dashboard tests"; fi

test: setup lint test-server test-client

# Performance suite: needs wrk (apt-get install wrk) and PostgreSQL on 127.0.0.1:5432.
# It writes docs/benchmarks.md. About 3 to 5 minutes.
bench: $(DEPS_STAMP)
	cd server && .venv/bin/python -m bench.run_all

clean:
	rm -rf $(VENV) client/node_modules server/.pytest_cache server/.mypy_cache server/.ruff_cache
