# Two commands on a fresh machine:  make report  |  make test
# Each sets up what it needs by itself: a .venv from pyproject.toml, the npm assets (Vega, MathJax) from
# package-lock.json, and, for the browser tests and static chart images, Debian's chromium and CJK fonts.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
ASSETS := node_modules/.installed
YEAR   ?=

.PHONY: help venv assets system-deps report report-all validate test test-fast bench clean

help:
	@echo "make report      build the latest edition into _build/site/ (and the index of editions)"
	@echo "make report-all  build every edition (2021 to the latest year with data)"
	@echo "make test        run the whole test suite: unit, notebooks, book build, browser"
	@echo "make validate    check data/ (every table and cross-reference)"
	@echo "make bench       measure build times, page weights and chart render time"

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

venv: $(STAMP)

$(ASSETS): package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $(ASSETS)

assets: $(ASSETS)

# Debian packages: chromium (browser tests, benchmark) and fonts-noto-cjk (Chinese labels in SVG/PNG charts).
system-deps:
	@if ! command -v chromium >/dev/null 2>&1 || ! fc-list 2>/dev/null | grep -qi "Noto Sans CJK"; then \
		echo "installing Debian packages: chromium fonts-noto-cjk"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-noto-cjk >/dev/null; \
	fi

validate: $(STAMP)
	$(BIN)/jinan-eval validate --quiet

report: $(STAMP) $(ASSETS)
	$(BIN)/jinan-eval validate --quiet
	$(BIN)/jinan-eval build --force $(if $(YEAR),--year $(YEAR),)

report-all: $(STAMP) $(ASSETS)
	$(BIN)/jinan-eval build --all

test: $(STAMP) $(ASSETS) system-deps
	$(BIN)/python -m pytest

test-fast: $(STAMP)
	$(BIN)/python -m pytest -m "not slow and not browser"

bench: $(STAMP) $(ASSETS) system-deps
	$(BIN)/python bench/benchmark.py

clean:
	rm -rf _build
