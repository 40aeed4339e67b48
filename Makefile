# Synthetica — every developer and CI entry point.
# `make up` and `make test` do all set-up on a fresh machine (they create .venv first).

PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
STAMP := $(VENV)/.installed
EXTRAS := auth,gateway,datasets,training,evaluation,notify,dev
PROTOS := $(shell find proto -name '*.proto')
# ariadne-codegen generates the SDK's typed operations (sdk/codegen.py). Every release requires
# graphql-core < 3.3 and breaks on the 3.3 the gateway's Strawberry needs, so it lives in a
# folder of its own, outside the environment's packages.
CODEGEN := $(VENV)/sdk-codegen

.DEFAULT_GOAL := help
# The dashboard (web/): npm ci from the lock file when it changes, vite build when a source
# changes; the gateway serves web/dist at /.
WEB_DEPS := web/node_modules/.installed
WEB_BUILD := web/dist/index.html
WEB_SRC := $(shell find web/src -type f -not -path 'web/src/gql/*' 2>/dev/null) web/index.html \
	web/vite.config.ts web/codegen.ts web/tsconfig.json gateway/schema.graphql
CHROMIUM ?= /usr/bin/chromium
# buf and pyright, pinned in tools/lint/package-lock.json (npm ci when the lock changes).
LINT_DEPS := tools/lint/node_modules/.installed
BUF := tools/lint/node_modules/.bin/buf
PYRIGHT := tools/lint/node_modules/.bin/pyright

.PHONY: help venv web browser up test test-web test-slow test-chaos test-all lint fmt proto schema sdk migration bench clean-var

help:
	@echo "make up         start the whole platform on embedded PostgreSQL and NATS (Ctrl-C stops it)"
	@echo "make test       run the default test suite, the dashboard's included (sets everything up first)"
	@echo "make web        build the dashboard (web/dist), when its sources changed"
	@echo "make test-slow  run the long tests (real engines on real data, big files)"
	@echo "make test-chaos the main flow while every process is killed and paused"
	@echo "make lint       ruff lint + format check, buf lint + breaking against main, pyright"
	@echo "make proto      regenerate Python code from proto/"
	@echo "make schema     export gateway/schema.graphql"
	@echo "make sdk        regenerate the Python SDK's typed GraphQL operations"
	@echo "make migration SERVICE=training MESSAGE='batch tags'  autogenerate a migration"
	@echo "make bench      run the benchmarks in bench/"

# torch is installed first, alone, so that pip takes the pinned CPU build and never the
# CUDA one; mostlyai-engine goes in without its torchvision/torchaudio pins (see pyproject).
$(STAMP): pyproject.toml sdk/pyproject.toml
	@command -v $(PYTHON) >/dev/null || { echo "Python 3.11 is required ($(PYTHON) not found)"; exit 1; }
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip setuptools wheel
	$(PIP) install --quiet torch==2.13.0
	$(PIP) install --quiet -e '.[$(EXTRAS)]'
	$(PIP) install --quiet --no-deps mostlyai-engine==2.7.3
	$(PIP) install --quiet -e './sdk[pandas]'
	$(PIP) install --quiet --upgrade --no-warn-conflicts --target $(CODEGEN) ariadne-codegen==0.19.0
	touch $(STAMP)

venv: $(STAMP)

$(WEB_DEPS): web/package-lock.json
	@command -v npm >/dev/null || { echo "Node.js 20.19+ with npm is required for the dashboard"; exit 1; }
	cd web && npm ci --no-audit --no-fund
	touch $(WEB_DEPS)

$(WEB_BUILD): $(WEB_DEPS) $(WEB_SRC)
	cd web && npm run build
	touch $(WEB_BUILD)

web: $(WEB_BUILD)

$(LINT_DEPS): tools/lint/package-lock.json
	@command -v npm >/dev/null || { echo "Node.js 20.19+ with npm is required for buf and pyright"; exit 1; }
	cd tools/lint && npm ci --no-audit --no-fund
	touch $(LINT_DEPS)

# Debian's Chromium for the end-to-end tests (Playwright drives it; no browser download).
browser:
	@test -x $(CHROMIUM) || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; \
	  else echo "Chromium is needed at $(CHROMIUM) for the dashboard's tests (apt-get install chromium)"; exit 1; fi; }

up: $(STAMP) $(WEB_BUILD)
	$(PY) -m tools.devstack

test: $(STAMP) $(WEB_BUILD) browser
	$(PY) -m pytest
	$(MAKE) test-web

# The dashboard's component tests (Vitest) and end-to-end tests (Playwright, real stack).
test-web: $(STAMP) $(WEB_BUILD) browser
	cd web && npm test
	cd web && CHROMIUM_PATH=$(CHROMIUM) PYTHON=$(CURDIR)/$(PY) npm run e2e

test-slow: $(STAMP)
	$(PY) -m pytest -m slow

test-chaos: $(STAMP)
	$(PY) -m pytest -m chaos tests/test_chaos.py

test-all: $(STAMP)
	$(PY) -m pytest -m ''

lint: $(STAMP) $(LINT_DEPS)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(BUF) lint
	tools/lint/buf-breaking.sh
	$(PYRIGHT) --level error

fmt: $(STAMP)
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

# Generated code lives in gen/ and is committed; tests/test_contracts.py fails when it drifts.
proto: $(STAMP)
	$(PY) -m tools.protogen

schema: $(STAMP)
	$(PY) -m gateway export-schema

# Generated code lives in sdk/src/synthetica_client/_generated and is committed;
# tests/sdk/test_sdk_operations.py fails when it or the operations drift from the schema.
sdk: $(STAMP)
	$(PY) sdk/codegen.py

# A new Alembic migration for SERVICE, autogenerated from its models against its migrations
# applied to a throwaway embedded PostgreSQL; tests/test_migrations.py fails while one is missing.
migration: $(STAMP)
	@test -n "$(SERVICE)" -a -n "$(MESSAGE)" || { echo "usage: make migration SERVICE=<auth|datasets|evaluation|notify|training> MESSAGE='what it does'"; exit 1; }
	$(PY) -m tools.migrations $(SERVICE) "$(MESSAGE)"

bench: $(STAMP)
	@for f in bench/bench_*.py; do echo "== $$f"; $(PY) $$f || exit 1; done

clean-var:
	rm -rf var
