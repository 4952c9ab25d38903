# The single entry points: `make run` and `make test` set everything up on a fresh machine.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test lint bench bench-overhead clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

run: $(STAMP)
	$(BIN)/laneway serve

test: $(STAMP)
	$(BIN)/pytest -q

lint: $(STAMP)
	$(BIN)/ruff check src tests bench
	$(BIN)/mypy

bench: $(STAMP)
	$(BIN)/python bench/decision.py

# Gateway overhead vs a bare pass-through and LiteLLM, on nginx + wrk (Debian nginx-light, wrk).
bench-overhead: $(STAMP)
	$(BIN)/python bench/overhead.py --rounds 3 --duration 8 --json bench/results/overhead.json

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
