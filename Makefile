# The verbs of the project. `make run` and `make test` set everything up from a clean clone.
SHELL := /bin/bash
PY := .venv/bin/python
PIP := .venv/bin/pip
PORT ?= 8501
export PYTHONPATH := $(CURDIR)

.PHONY: setup run run-dev test bench lint demo system-deps clean

.venv/bin/python:
	python3 -m venv .venv

# Re-install only when a requirements file changed (stamp files).
.venv/.req-stamp: requirements.txt | .venv/bin/python
	$(PIP) install -q -r requirements.txt
	touch $@

.venv/.dev-stamp: requirements-dev.txt requirements.txt .venv/.req-stamp
	$(PIP) install -q -r requirements-dev.txt
	touch $@

setup: .venv/.req-stamp
	$(PY) -m store migrate

demo-if-empty: setup
	$(PY) -m sources.demo --if-empty

run: demo-if-empty
	.venv/bin/streamlit run dashboard.py --server.port $(PORT) --server.headless true \
		--browser.gatherUsageStats false

# Development: full error details and the developer toolbar (production: .streamlit/config.toml).
run-dev: demo-if-empty
	STREAMLIT_CLIENT_SHOW_ERROR_DETAILS=full STREAMLIT_CLIENT_TOOLBAR_MODE=developer \
		.venv/bin/streamlit run dashboard.py --server.port $(PORT) --server.headless true \
		--browser.gatherUsageStats false

system-deps:
	bash scripts/install_system_deps.sh

# axe-core (accessibility engine) for the browser tests, from the npm registry, pinned in
# package.json; Playwright injects the file into every page (no CDN).
node_modules/axe-core/axe.min.js: package.json
	npm install --no-audit --no-fund --ignore-scripts
	touch $@

DOCTEST_PACKAGES = common geo catalogue store sources indicators access reports ui

test: setup .venv/.dev-stamp system-deps node_modules/axe-core/axe.min.js
	.venv/bin/ruff check .
	.venv/bin/ruff format --check .
	.venv/bin/lint-imports --no-logo
	# the tests and every runnable example in the application packages' docstrings (pages/
	# are scripts), in one run over both cores
	$(PY) -m pytest -p no:cacheprovider -n 2 --dist loadfile --doctest-modules \
		--ignore=store/migrations tests $(DOCTEST_PACKAGES) $(PYTEST_ARGS)

bench: setup .venv/.dev-stamp
	$(PY) -m benchmarks

lint: .venv/.dev-stamp
	.venv/bin/ruff check .
	.venv/bin/ruff format --check .
	.venv/bin/lint-imports --no-logo

demo: setup
	$(PY) -m sources.demo --rebuild

clean:
	rm -rf var test-artifacts
