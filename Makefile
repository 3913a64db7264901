# Two commands for a fresh clone (Python 3.11, no conda):
#   make run    set up .venv and run the main job (experiments/demo.yaml: the seed article and
#               the demo corpus) into runs/demo-<timestamp>/ with its report
#   make test   set up .venv and run the test suite
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cat pyproject.toml | sha256sum | cut -c1-12)
export TOOLKIT_DATA ?= $(abspath ../shared)

.PHONY: setup run test test-fast test-slow lint bench clean

setup: $(STAMP)

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	# torch first, pinned to the CPU wheel: anything else drags in CUDA packages
	$(BIN)/python -m pip install --quiet "torch==2.13.0"
	$(BIN)/python -m pip install --quiet -e ".[dev,notebooks]"
	$(BIN)/python -m ipykernel install --prefix $(VENV) --name python3 >/dev/null
	rm -f $(VENV)/.installed-* && touch $(STAMP)

run: setup
	$(BIN)/toolkit run experiments/demo.yaml

# the default suite, then the slow evaluations on 10kgnad (`-m slow`, deselected by default)
test: setup
	$(BIN)/python -m pytest -q
	$(BIN)/python -m pytest -q -m slow

test-fast: setup
	$(BIN)/python -m pytest -q -m "not slow and not notebooks"

test-slow: setup
	$(BIN)/python -m pytest -q -m slow

lint: setup
	$(BIN)/ruff check toolkit tests benchmarks
	$(BIN)/ruff format --check toolkit tests benchmarks

bench: setup
	$(BIN)/python -m pip install --quiet -e ".[bench]"
	$(BIN)/python benchmarks/run_all.py

clean:
	rm -rf $(VENV) runs .cache
