# briefgen: `make book` builds the whole book, `make test` runs the tests. Both set up everything
# they need first (Debian packages when missing, a virtualenv with the package and its deps).
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp
PYTEST_ARGS ?=

.PHONY: all book html pdf check test bench setup system-deps clean distclean

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

# Speed and memory at N = 5, 100 and 1000 synthetic sources (slow: about 20 minutes on 2 cores).
bench: setup
	$(BIN)/python benchmarks/run.py $(BENCH_ARGS)

clean:
	rm -rf _build

distclean: clean
	rm -rf $(VENV) src/*.egg-info
