# briefgen: `make book` builds the whole book, `make test` runs the tests. Both set up everything
# they need first (Debian packages when missing, a virtualenv with the package and its deps).
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp
PYTEST_ARGS ?=

.PHONY: all book html pdf check test test-lowest fuzz bench setup system-deps clean distclean

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

test: setup
	scripts/system-deps.sh browser node
	scripts/axe-core.sh
	$(BIN)/python -m pytest $(PYTEST_ARGS)
	$(MAKE) test-lowest

# The build, warm-path and oracle tests again under the lowest versions pyproject.toml allows
# (constraints/lowest.txt), in a virtualenv of their own.
LOWEST := .venv-lowest
LOWEST_TESTS := tests/test_oracle.py tests/test_incremental_equivalence.py tests/test_build_html.py tests/test_build_pdf.py tests/test_serve.py tests/test_buildserver.py tests/test_internals.py
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

clean:
	rm -rf _build

distclean: clean
	rm -rf $(VENV) $(LOWEST) src/*.egg-info
