# Two commands on a fresh machine:  make report  |  make test
# Each sets up what it needs (a .venv from pyproject.toml, npm assets, Debian browser packages) by itself.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
YEAR   ?=

.PHONY: help venv report validate test test-fast assets browser-deps bench clean

help:
	@echo "make report   build the latest edition of the report into _build/site/"
	@echo "make test     run the whole test suite (unit, notebooks, browser)"
	@echo "make validate check data/ (tables and cross-references)"
	@echo "make bench    measure build times and page weights"

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

venv: $(STAMP)

validate: $(STAMP)
	$(BIN)/jinan-eval validate --quiet

report: $(STAMP)
	$(BIN)/jinan-eval validate --quiet

test: $(STAMP)
	$(BIN)/python -m pytest

test-fast: $(STAMP)
	$(BIN)/python -m pytest -m "not slow and not browser"

clean:
	rm -rf _build
