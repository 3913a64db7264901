# Two commands for a fresh clone (Python 3.11, no conda):
#   make run    set up .venv and run the main job (experiments/demo.yaml: the seed article and
#               the demo corpus) into runs/demo-<timestamp>/ with its report
#   make test   set up .venv and run the test suite
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cat pyproject.toml | sha256sum | cut -c1-12)
export TOOLKIT_DATA ?= $(abspath ../shared)
# Debian packages: the German-English dictionary (the gloss) for every run, Chromium for the
# test that renders the report in a real browser
DICTIONARY := /usr/share/trans/de-en
RUN_PACKAGES := trans-de-en
TEST_PACKAGES := trans-de-en chromium

.PHONY: setup system-run system-test run test test-fast test-slow lint bench clean

setup: $(STAMP)

# installs what is missing where apt-get runs as root; elsewhere says what to install
define apt_install
	@missing=""; for pkg in $(1); do dpkg -s $$pkg >/dev/null 2>&1 || missing="$$missing $$pkg"; done; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    echo "installing Debian packages:$$missing"; \
	    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null \
	    || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; }; \
	  else echo "note: install the Debian packages$$missing (e.g. sudo apt-get install$$missing)"; fi; \
	fi
endef

system-run:
	$(call apt_install,$(RUN_PACKAGES))

system-test:
	$(call apt_install,$(TEST_PACKAGES))

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	# torch first, pinned to the CPU wheel: anything else drags in CUDA packages
	$(BIN)/python -m pip install --quiet "torch==2.13.0"
	$(BIN)/python -m pip install --quiet -e ".[dev,notebooks]"
	$(BIN)/python -m ipykernel install --prefix $(VENV) --name python3 >/dev/null
	rm -f $(VENV)/.installed-* && touch $(STAMP)

run: system-run setup
	$(BIN)/toolkit run experiments/demo.yaml

# the default suite, then the slow evaluations on 10kgnad (`-m slow`, deselected by default)
test: system-test setup
	$(BIN)/python -m pytest -q
	$(BIN)/python -m pytest -q -m slow

test-fast: system-test setup
	$(BIN)/python -m pytest -q -m "not slow and not notebooks"

test-slow: system-test setup
	$(BIN)/python -m pytest -q -m slow

lint: setup
	$(BIN)/ruff check toolkit tests benchmarks
	$(BIN)/ruff format --check toolkit tests benchmarks

bench: setup
	$(BIN)/python -m pip install --quiet -e ".[bench]"
	$(BIN)/python benchmarks/run_all.py

clean:
	rm -rf $(VENV) runs .cache
