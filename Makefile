# Two commands on a fresh machine: `make demo` (the main job) and `make test` (the suite).
# Each creates .venv and installs what it needs first.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin

.PHONY: demo test lint format bench evaluate dist clean browser screenshot

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-dev: pyproject.toml $(VENV)/.installed
	$(BIN)/python -m pip install --quiet -e ".[dev,postgres,spark,semantic,prices]"
	touch $@

demo: $(VENV)/.installed
	$(BIN)/aiue demo --dir demo

# The README's picture of the report: `make demo`'s build, its report, a headless Chromium
# screenshot (so it shows what a newcomer gets, with paths relative to the checkout).
screenshot: demo browser $(VENV)/.installed-dev
	$(BIN)/aiue report --db demo/aiue.duckdb --out demo/report.html
	$(BIN)/python -m tests.browser demo/report.html docs/report.png

# Headless Chromium for the report's browser test (Debian's package; never a browser download).
browser:
	@command -v chromium >/dev/null 2>&1 || test -x /usr/bin/chromium || \
		(apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium)

# The suite a file at a time over TEST_WORKERS processes (pytest-xdist), in the order
# tests/conftest.py gives (longest files first), not xdist's order by test count.
TEST_WORKERS ?= 3

test: $(VENV)/.installed-dev browser
	$(BIN)/ruff check python tests
	$(BIN)/ruff format --check python tests
	$(BIN)/python -m pytest -n $(TEST_WORKERS) --dist loadfile --no-loadscope-reorder --durations=20

# Prints the full build's time as a ratio of a one-statement lower bound, same run, same data.
# POSTGRES=1 also builds and appends on a Postgres the test harness starts (dev install).
bench: $(VENV)/.installed$(if $(POSTGRES),-dev)
	$(BIN)/python -m ai_unit_economics.devtools.bench --calls $(or $(CALLS),1000000) $(if $(POSTGRES),--postgres)

# dbt-project-evaluator over the package as a user's project installs it (docs/evaluator.md):
# local copies of dbt-labs/dbt-project-evaluator and dbt-labs/dbt-utils (checkouts or git
# directories), nothing fetched, nothing of theirs committed. Exits 1 on any warning.
evaluate: $(VENV)/.installed
	$(BIN)/python -m ai_unit_economics.devtools.evaluate

# The wheel; it carries the dbt project, so `pip install` of it is complete.
dist: $(BIN)/python
	rm -rf dist
	$(BIN)/python -m pip wheel --quiet --no-deps -w dist .

lint: $(VENV)/.installed-dev
	$(BIN)/ruff check python tests

format: $(VENV)/.installed-dev
	$(BIN)/ruff format python tests

clean:
	rm -rf $(VENV) demo target logs .aiue dist
