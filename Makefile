# Every engineer and CI run the same commands: `make run` and `make test`.
# Editing a C extension ($(C_SOURCES)) reinstalls, which rebuilds it.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
DEV_STAMP := $(VENV)/.installed-dev
C_SOURCES := src/shenhe/text/_cfold.c src/shenhe/text/_cverify.c src/shenhe/text/_cscan.c \
	src/shenhe/text/_ccontact.c src/shenhe/screening/_cscore.c
# Apps `make run` seeds an empty registry with (`shenhe demo seed`): 1,000 take about 12 s,
# 5,000 about a minute; `make run DEMO_APPS=5000` for the full demo.
DEMO_APPS ?= 1000

.PHONY: run test lint format typecheck bench quality clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(STAMP): pyproject.toml $(C_SOURCES) | $(BIN)/python
	$(BIN)/pip install --quiet -e .
	touch $@

$(DEV_STAMP): pyproject.toml $(C_SOURCES) | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $@ $(STAMP)

run: $(STAMP)
	$(BIN)/shenhe demo seed --apps $(DEMO_APPS) --if-empty
	$(BIN)/shenhe serve --host 127.0.0.1 --port 8000

test: $(DEV_STAMP)
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/mypy
	$(BIN)/pytest -q

lint: $(DEV_STAMP)
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/ruff format --check src tests benchmarks

format: $(DEV_STAMP)
	$(BIN)/ruff format src tests benchmarks
	$(BIN)/ruff check --fix src tests benchmarks

typecheck: $(DEV_STAMP)
	$(BIN)/mypy

bench: $(DEV_STAMP)
	$(BIN)/python benchmarks/speed.py

quality: $(DEV_STAMP)
	$(BIN)/python benchmarks/quality.py

clean:
	rm -rf $(VENV) build dist src/*.egg-info .pytest_cache .mypy_cache .ruff_cache
