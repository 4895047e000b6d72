# backcare: two commands on a fresh machine.
#   make run   set up and start the app on http://127.0.0.1:8501
#   make run-lan  the same for your phone, over HTTPS on your home network (password first)
#   make test  set up and run ruff, mypy and the whole test suite
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8501
# pytest workers (pytest-xdist): one per core, coverage combined from every worker and subprocess;
# TEST_WORKERS=0 runs the suite in one process.
TEST_WORKERS ?= auto

.PHONY: run run-lan phone-screenshots test test-future lint typecheck pytest bench lock clean system-deps-run system-deps-test screenshots

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

# Open backcare to your phone over the home network: HTTPS only, password first (see README).
run-lan: system-deps-run $(VENV)/.installed-run
	$(BIN)/python -m backcare init
	$(BIN)/python -m backcare serve --lan --port=$(PORT)

# Refresh the README's phone pictures (390 px, from the HTTPS browser test); tests never write here.
phone-screenshots: $(VENV)/.installed-dev
	rm -rf .phone-shots && mkdir .phone-shots
	BACKCARE_SCREENSHOT_DIR=$(CURDIR)/.phone-shots BACKCARE_REQUIRE_BROWSER=1 \
		$(BIN)/python -m pytest -q -p no:cacheprovider tests/e2e/test_lan_browser.py -k phone
	cp .phone-shots/phone-login.png .phone-shots/phone-today.png docs/screenshots/
	rm -rf .phone-shots

lint: $(VENV)/.installed-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: $(VENV)/.installed-dev
	$(BIN)/mypy backcare

pytest: $(VENV)/.installed-dev
	$(BIN)/python -m pytest -q -n $(TEST_WORKERS) --cov=backcare --cov-branch --cov-report=term:skip-covered

test: system-deps-test lint typecheck pytest

# The unit tests (not the browser ones) with the clock 400 days ahead: a test that depends on
# today's date fails here the day it is written, not a year later.
test-future: system-deps-test $(VENV)/.installed-dev
	faketime -f '+400d' $(BIN)/python -m pytest -q -p no:cacheprovider -n $(TEST_WORKERS) -m "not browser" --ignore=tests/e2e

# Refresh the README pictures (docs/screenshots) from a year of demo data. Tests never write there.
screenshots: system-deps-test $(VENV)/.installed-dev
	$(BIN)/python scripts/screenshots.py

# Every benchmark, each printing its figures and the ratios of the same run; one failing does not
# hide the others' figures (the target still fails at the end).
bench: system-deps-test $(VENV)/.installed-dev
	@failed=""; for f in benchmarks/bench_*.py; do echo "== $$f"; $(BIN)/python $$f || failed="$$failed $$f"; done; \
	if [ -n "$$failed" ]; then echo "benchmarks that failed:$$failed"; exit 1; fi

# Refresh constraints.txt after changing dependencies in pyproject.toml.
lock: $(BIN)/python
	rm -rf .lock-venv && $(PYTHON) -m venv .lock-venv
	.lock-venv/bin/pip install --quiet -e ".[dev]"
	(echo "# Exact versions of every package backcare installs (runtime + dev). Regenerate with: make lock"; \
	 .lock-venv/bin/pip freeze --exclude-editable) > constraints.txt
	rm -rf .lock-venv

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache .pytest_cache
