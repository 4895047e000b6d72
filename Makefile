# backcare: two commands on a fresh machine.
#   make run   set up and start the app on http://127.0.0.1:8501
#   make test  set up and run ruff, mypy and the whole test suite
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8501

.PHONY: run test test-future lint typecheck pytest bench lock clean system-deps-run system-deps-test screenshots

$(BIN)/python:
	$(PYTHON) -c 'import sys; assert sys.version_info >= (3, 11), "backcare needs Python 3.11 or newer"'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade "pip>=24"

$(VENV)/.installed-run: $(BIN)/python pyproject.toml constraints.txt
	$(BIN)/pip install --quiet -c constraints.txt -e .
	touch $@

$(VENV)/.installed-dev: $(VENV)/.installed-run
	$(BIN)/pip install --quiet -c constraints.txt -e ".[dev]"
	touch $@

system-deps-run:
	@scripts/system-deps.sh run

system-deps-test:
	@scripts/system-deps.sh test

run: system-deps-run $(VENV)/.installed-run
	$(BIN)/python -m backcare init
	$(BIN)/streamlit run app.py --server.address=127.0.0.1 --server.port=$(PORT)

lint: $(VENV)/.installed-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: $(VENV)/.installed-dev
	$(BIN)/mypy backcare

pytest: $(VENV)/.installed-dev
	$(BIN)/python -m pytest -q

test: system-deps-test lint typecheck pytest

# The unit tests (not the browser ones) with the clock 400 days ahead: a test that depends on
# today's date fails here the day it is written, not a year later.
test-future: system-deps-test $(VENV)/.installed-dev
	faketime -f '+400d' $(BIN)/python -m pytest -q -p no:cacheprovider -m "not browser" --ignore=tests/e2e

# Refresh the README pictures (docs/screenshots) from a year of demo data. Tests never write there.
screenshots: system-deps-test $(VENV)/.installed-dev
	$(BIN)/python scripts/screenshots.py

bench: $(VENV)/.installed-dev
	@for f in benchmarks/bench_*.py; do echo "== $$f"; $(BIN)/python $$f || exit 1; done

# Refresh constraints.txt after changing dependencies in pyproject.toml.
lock: $(BIN)/python
	rm -rf .lock-venv && $(PYTHON) -m venv .lock-venv
	.lock-venv/bin/pip install --quiet -e ".[dev]"
	(echo "# Exact versions of every package backcare installs (runtime + dev). Regenerate with: make lock"; \
	 .lock-venv/bin/pip freeze --exclude-editable) > constraints.txt
	rm -rf .lock-venv

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache .pytest_cache
