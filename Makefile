# Two commands matter: `make demo` and `make test`. Both create .venv and install what
# they need, so they work on a fresh clone of a fresh machine.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
CODE   := alerts tests benchmarks scripts

.PHONY: demo test lint typecheck unit unit-python bench install install-dev native clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[native]'
	touch $@

$(VENV)/.installed-dev: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[dev,native]'
	touch $@ $(VENV)/.installed

# The clustering core compiled with mypyc (alerts/native.py); a no-op when current. Without a
# C compiler the service runs it as Python, slower: `install` says so and goes on.
NATIVE := $(BIN)/python scripts/build_native.py

install: $(VENV)/.installed
	@$(NATIVE) || echo "make: the clustering core was not compiled; it runs as Python (slower)"
install-dev: $(VENV)/.installed-dev
native: $(VENV)/.installed
	$(NATIVE)

demo: install
	$(BIN)/alerts demo --out demo-out

test: install-dev unit unit-python lint typecheck

# The tests run on the compiled core (and fail if it is not in use), then on the Python one.
unit: install-dev native
	ALERTS_REQUIRE_NATIVE=1 $(BIN)/pytest -q

unit-python: install-dev
	ALERTS_NATIVE=0 $(BIN)/pytest -q

lint: install-dev
	$(BIN)/ruff check $(CODE)
	$(BIN)/ruff format --check $(CODE)

typecheck: install-dev
	$(BIN)/mypy

bench: install-dev native
	for b in benchmarks/bench_*.py; do echo "== $$b"; $(BIN)/python $$b || exit 1; done

clean:
	rm -rf $(VENV) build demo-out var .mypy_cache .ruff_cache .pytest_cache
