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
.PHONY: help venv up test test-slow test-all lint fmt proto schema sdk bench clean-var

help:
	@echo "make up         start the whole platform on embedded PostgreSQL and NATS (Ctrl-C stops it)"
	@echo "make test       run the default test suite (sets everything up first)"
	@echo "make test-slow  run the long tests (real engines on real data, big files)"
	@echo "make lint       ruff lint + format check"
	@echo "make proto      regenerate Python code from proto/"
	@echo "make schema     export gateway/schema.graphql"
	@echo "make sdk        regenerate the Python SDK's typed GraphQL operations"
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

up: $(STAMP)
	$(PY) -m common.devstack

test: $(STAMP)
	$(PY) -m pytest

test-slow: $(STAMP)
	$(PY) -m pytest -m slow

test-all: $(STAMP)
	$(PY) -m pytest -m ''

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

fmt: $(STAMP)
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

# Generated code lives in gen/ and is committed; tests/test_contracts.py fails when it drifts.
proto: $(STAMP)
	$(PY) -m common.protogen

schema: $(STAMP)
	$(PY) -m gateway export-schema

# Generated code lives in sdk/src/synthetica_client/_generated and is committed;
# tests/sdk/test_sdk_operations.py fails when it or the operations drift from the schema.
sdk: $(STAMP)
	$(PY) sdk/codegen.py

bench: $(STAMP)
	@for f in bench/bench_*.py; do echo "== $$f"; $(PY) $$f || exit 1; done

clean-var:
	rm -rf var
