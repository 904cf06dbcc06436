# briefgen: `make book` builds the whole book, `make test` runs the tests. Both set up everything
# they need first (Debian packages when missing, a virtualenv with the package and its deps).
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp
PYTEST_ARGS ?=

.PHONY: all book html pdf check test lint test-core test-lowest docs fuzz bench setup system-deps clean distclean

all: book

$(STAMP): pyproject.toml
	scripts/system-deps.sh python
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[test]'
	touch $@

setup: $(STAMP) system-deps

system-deps:
	scripts/system-deps.sh python pdf

book: setup
	$(BIN)/briefgen build all

html: $(STAMP)
	$(BIN)/briefgen build html

pdf: setup
	$(BIN)/briefgen build pdf

check: $(STAMP)
	$(BIN)/briefgen check

test: setup lint
	scripts/system-deps.sh browser node
	scripts/axe-core.sh
	$(BIN)/python -m pytest $(PYTEST_ARGS)
	$(MAKE) test-core test-lowest docs

# Format, lint (complexity at most 15), types (strict on the core and trust packages), layers.
lint: $(STAMP)
	$(BIN)/ruff format --check src tests benchmarks docs
	$(BIN)/ruff check src tests benchmarks docs
	$(BIN)/mypy
	$(BIN)/lint-imports

# The Sphinx-free layers' tests in a virtualenv without Sphinx (as MyST-Parser's CI does).
CORE := .venv-core
CORE_TESTS := tests/test_dates.py tests/test_anchor.py tests/test_provenance.py tests/test_bad_inputs.py tests/test_support.py tests/test_textfragment.py tests/test_yaml_reread.py tests/test_compose.py tests/test_review.py tests/test_imports.py::test_the_sphinx_free_layers_load_no_renderer tests/test_imports.py::test_the_command_line_starts_without_sphinx tests/test_schema.py
$(CORE)/.installed-stamp: pyproject.toml
	$(PYTHON) -m venv $(CORE)
	$(CORE)/bin/python -m pip install -q --upgrade pip
	$(CORE)/bin/python -m pip install -q --no-deps -e .
	$(CORE)/bin/python -m pip install -q pyyaml pydantic edtf click rapidfuzz packaging pytest pytest-regressions hypothesis jsonschema
	touch $@

test-core: $(CORE)/.installed-stamp
	$(CORE)/bin/python -c 'import importlib.util as u, sys; sys.exit(u.find_spec("sphinx") is not None)'
	$(CORE)/bin/python -m pytest -q -p no:cacheprovider $(CORE_TESTS)

# briefgen's own documentation (a Sphinx site), warnings as errors.
docs: $(STAMP)
	$(BIN)/python -m sphinx -W --keep-going -q -b html docs _build/docs

# The build, warm-path and oracle tests again under the lowest versions pyproject.toml allows
# (constraints/lowest.txt), in a virtualenv of their own.
LOWEST := .venv-lowest
LOWEST_TESTS := tests/test_oracle.py::test_every_kind_of_edit_once tests/test_oracle.py::test_sequences_the_oracle_found tests/test_incremental_equivalence.py tests/test_build_html.py tests/test_build_pdf.py tests/test_serve.py tests/test_buildserver.py tests/test_internals.py
$(LOWEST)/.installed-stamp: pyproject.toml constraints/lowest.txt
	$(PYTHON) -m venv $(LOWEST)
	$(LOWEST)/bin/python -m pip install -q --upgrade pip
	$(LOWEST)/bin/python -m pip install -q -c constraints/lowest.txt -e '.[test]'
	touch $@

test-lowest: setup $(LOWEST)/.installed-stamp
	$(LOWEST)/bin/python -m pytest -q $(LOWEST_TESTS)

# The oracle with a longer, random budget: prints the shortest failing edit sequence it finds.
# ORACLE_RULES=rename_source,edit_book narrows it to some edits.
FUZZ_EXAMPLES ?= 40
FUZZ_STEPS ?= 20
fuzz: setup
	ORACLE_EXAMPLES=$(FUZZ_EXAMPLES) ORACLE_STEPS=$(FUZZ_STEPS) ORACLE_RANDOM=1 $(BIN)/python -m pytest -q -x tests/test_oracle.py -k warm_equals_cold

# Speed and memory at N = 5, 100 and 1000 synthetic sources (slow: about 20 minutes on 2 cores).
bench: setup
	$(BIN)/python benchmarks/run.py $(BENCH_ARGS)
	$(BIN)/python benchmarks/hostile.py

clean:
	rm -rf _build

distclean: clean
	rm -rf $(VENV) $(LOWEST) $(CORE) src/*.egg-info
