# sco-graph developer tasks. `make help` lists them; `make test` is exactly what CI runs.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.DEFAULT_GOAL := help

.PHONY: help run test lint fmt typecheck pytest bench clean bytecode browser

help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk 'BEGIN {FS = ":.*## "}; {printf "  make %-10s %s\n", $$1, $$2}'

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@touch $(STAMP)

# Byte-compile the package: an editable install is not compiled by pip, and with
# PYTHONDONTWRITEBYTECODE set every run would compile the sources again.
bytecode: $(STAMP)
	@$(BIN)/python -m compileall -q sco_graph

run: bytecode ## Set up and run a demo query over the bundled data
	$(BIN)/sco-graph who-met Zhang Ming

lint: $(STAMP) ## ruff lint and format check
	$(BIN)/ruff check sco_graph tests benchmarks
	$(BIN)/ruff format --check sco_graph tests benchmarks

fmt: $(STAMP) ## Format and auto-fix the code
	$(BIN)/ruff format sco_graph tests benchmarks
	$(BIN)/ruff check --fix sco_graph tests benchmarks

typecheck: $(STAMP) ## mypy --strict over the whole package
	$(BIN)/mypy

pytest: $(STAMP) ## The test suite
	$(BIN)/pytest

# The drawing tests open pages in headless Chromium (Debian's package).
browser:
	@command -v chromium >/dev/null 2>&1 || command -v chromium-browser >/dev/null 2>&1 || \
		{ echo "installing Debian's chromium for the drawing tests"; \
		  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; }

test: lint typecheck browser pytest bytecode ## Everything CI checks: lint, types, tests

bench: bytecode ## Time whole CLI processes against the import floor
	$(BIN)/python benchmarks/run.py

clean: ## Remove the virtual environment and caches
	rm -rf $(VENV) .mypy_cache .ruff_cache .pytest_cache build dist
