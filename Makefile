# Two commands on a fresh machine:  make report  |  make test
# Each sets up what it needs by itself: a .venv from requirements.lock (exact versions with hashes), the npm
# assets (Vega, and MathJax for typesetting at build time) from package-lock.json, and, for the browser tests and static chart images, Debian's
# chromium and CJK fonts.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
ASSETS := node_modules/.installed
YEAR   ?=
PLAN   ?=
# the plan of data/plans/<id>/ to validate and build: needed when data/ holds several plans (jinan-eval --plan)
PLAN_ARG := $(if $(PLAN),--plan $(PLAN),)

.PHONY: help venv assets system-deps report report-all validate lint test test-fast bench lock clean

help:
	@echo "make report      build the latest edition (zh and en) into _build/site/ (and the index of editions);"
	@echo "                 YEAR=<year> builds that year's edition"
	@echo "make report-all  build every edition, zh and en (the plan's first report year to the latest year with data)"
	@echo "make test        run the whole test suite: unit, notebooks, book build, browser"
	@echo "make validate    check data/ (every table and cross-reference)"
	@echo "                 report, report-all and validate take PLAN=<id> (a folder of data/plans/): needed when"
	@echo "                 data/ holds several plans, e.g. make report PLAN=<id> YEAR=<year>"
	@echo "make bench       measure build times, page weights and chart render time"
	@echo "make lint        ruff (style, imports) and import-linter (stages import only downwards)"
	@echo "make lock        regenerate requirements.lock from pyproject.toml (exact versions, hashes)"

$(STAMP): requirements.lock pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --require-hashes -r requirements.lock
	$(BIN)/python -m pip install --quiet --no-deps -e .
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
	$(BIN)/jinan-eval validate --quiet $(PLAN_ARG)

# builds the default edition (or YEAR=…) of the plan (or PLAN=…) in Chinese and in English, each if it is missing or
# any input changed (data, code, templates, book); replaces that edition only, and says so and does nothing when
# nothing changed
report: $(STAMP) $(ASSETS)
	$(BIN)/jinan-eval validate --quiet $(PLAN_ARG)
	$(BIN)/jinan-eval build --if-changed $(if $(YEAR),--year $(YEAR),) $(PLAN_ARG)
	$(BIN)/jinan-eval build --if-changed --lang en $(if $(YEAR),--year $(YEAR),) $(PLAN_ARG)

report-all: $(STAMP) $(ASSETS)
	$(BIN)/jinan-eval build --all $(PLAN_ARG)
	$(BIN)/jinan-eval build --all --lang en $(PLAN_ARG)

lint: $(STAMP)
	$(BIN)/ruff check src tests bench
	$(BIN)/lint-imports pyproject.toml

test: $(STAMP) $(ASSETS) system-deps lint
	$(BIN)/python -m pytest

test-fast: $(STAMP)
	$(BIN)/python -m pytest -m "not slow and not browser"

bench: $(STAMP) $(ASSETS) system-deps
	$(BIN)/python bench/benchmark.py

# exact versions (with hashes) of everything pyproject.toml asks for, for Python 3.11 on x86_64 Linux; uv is
# installed into a throw-away venv for this and nothing else
lock:
	$(PYTHON) -m venv _build/lockenv
	_build/lockenv/bin/python -m pip install --quiet uv
	_build/lockenv/bin/uv pip compile pyproject.toml --extra test --generate-hashes --python-version 3.11.7 \
		--python-platform x86_64-unknown-linux-gnu --no-header --quiet --output-file requirements.lock
	rm -rf _build/lockenv

clean:
	rm -rf _build
