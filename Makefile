# Two entry points, both doing their own set-up (.venv, and Chromium for the report):
#   make demo   run the conformance suites against the embedded reference producer and write the report
#   make test   lint, then the project's own tests (pytest's exit 5, "no tests", fails too)

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed
DEMO := reports/demo

.PHONY: demo test lint bench clean browser

$(INSTALLED): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[dev]'
	touch $@

browser:
	@scripts/ensure-chromium

demo: $(INSTALLED) browser
	@status=0; $(BIN)/rivta-harness run --report-dir $(DEMO) || status=$$?; \
	$(BIN)/rivta-harness report pdf $(DEMO) || status=$$?; \
	echo; echo "Self-declaration written to $(CURDIR)/$(DEMO)/self-declaration.html (and .json, .pdf, evidence/)"; \
	exit $$status

test: $(INSTALLED) browser
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/python -m pytest

lint: $(INSTALLED)
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

bench: $(INSTALLED)
	$(BIN)/python benchmarks/run.py

clean:
	rm -rf $(VENV) reports .pytest_cache .ruff_cache
