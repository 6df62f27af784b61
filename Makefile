# WorkWall: the README's two commands are `make run` and `make test`.
# Everything else here is what they are made of.

PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
HOST ?= 127.0.0.1
PORT ?= 8000
PYTEST_ARGS ?=

export HF_HUB_OFFLINE := 1
export TRANSFORMERS_OFFLINE := 1

.PHONY: run test lint format typecheck bench bench-smoke clean venv

# The venv is (re)installed only when a requirements file changed: a second
# `make run` starts in seconds.
$(VENV)/.runtime: requirements.txt
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip
	$(PIP) install --quiet -r requirements.txt
	@touch $@

$(VENV)/.dev: $(VENV)/.runtime requirements-dev.txt
	$(PIP) install --quiet -r requirements-dev.txt
	@touch $@

venv: $(VENV)/.dev

# axe-core for the browser tests' accessibility check (tests/e2e/test_pages.py),
# reinstalled only when its lock file changed (npm dates the files it unpacks to
# 1985, hence the touch). Without npm, or offline, the target does nothing and
# that check skips, saying why (CI sets WORKWALL_REQUIRE_AXE: there it fails).
AXE := tests/e2e/node_modules/axe-core/axe.min.js

$(AXE): tests/e2e/package-lock.json
	@if command -v npm >/dev/null 2>&1; then \
		(cd tests/e2e && npm ci --no-audit --no-fund --loglevel=error && touch node_modules/axe-core/axe.min.js) \
			|| echo "npm ci failed (offline?): the accessibility checks in tests/e2e/test_pages.py will skip"; \
	else \
		echo "npm not found: the accessibility checks in tests/e2e/test_pages.py will skip"; \
	fi

var:
	@mkdir -p var

run: $(VENV)/.runtime var
	$(PY) manage.py migrate --noinput
	$(PY) manage.py seed_demo --if-empty
	$(PY) manage.py matching_rebuild --verbosity 0
	$(PY) manage.py escrow_auto_release --verbosity 0
	@echo "WorkWall is at http://$(HOST):$(PORT)/  (Ctrl-C stops it)"
	SITE_DOMAIN=$${SITE_DOMAIN:-$(HOST):$(PORT)} \
		$(VENV)/bin/uvicorn --app-dir platform config.asgi:application --host $(HOST) --port $(PORT) --lifespan off

test: $(VENV)/.dev $(AXE) var
	$(VENV)/bin/pytest $(PYTEST_ARGS)

lint: $(VENV)/.dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: $(VENV)/.dev
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

typecheck: $(VENV)/.dev
	$(VENV)/bin/mypy platform matching wallets

bench: $(VENV)/.dev
	$(PY) bench/matching.py --sizes 10000 100000 1000000 --queries 500 --sweep --out docs/PERFORMANCE.md

# CI's quick look: N = 10k, exits non-zero if a target is missed.
bench-smoke: $(VENV)/.dev
	$(PY) bench/matching.py --smoke

clean:
	rm -rf $(VENV) var .pytest_cache .mypy_cache .ruff_cache
