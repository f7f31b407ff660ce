# Two commands for a newcomer: `make run` (the dashboard) and `make check` (the gate).
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
# `make run PORT=8600 ADDRESS=127.0.0.1` serves elsewhere; the defaults are corridor serve's.
PORT    ?= 8501
ADDRESS ?= 127.0.0.1

.PHONY: run build check test lint types layers record clean

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; assert sys.version_info >= (3, 11)' 2>/dev/null || \
	  { echo "需要 Python 3.11+ / Python 3.11+ is required (set PYTHON=...)"; exit 1; }
	@$(PYTHON) -m venv $(VENV) || { echo "无法创建虚拟环境：请安装 python3-venv / \
	cannot create a virtual environment: install python3-venv (Debian/Ubuntu)"; exit 1; }
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

run: $(STAMP)
	$(BIN)/corridor serve --address $(ADDRESS) --port $(PORT)

build: $(STAMP)
	$(BIN)/corridor build

lint: $(STAMP)
	$(BIN)/ruff format --check .
	$(BIN)/ruff check .

types: $(STAMP)
	$(BIN)/mypy etl dashboard corridor

layers: $(STAMP)
	$(BIN)/lint-imports

test: $(STAMP)
	$(BIN)/pytest; rc=$$?; if [ $$rc -eq 5 ]; then echo "pytest collected no tests: failing"; exit 1; fi; exit $$rc

# The record check on the shipped data: errors (data that is wrong) fail the gate; warnings are
# listed for an analyst.
record: $(STAMP)
	$(BIN)/corridor check

check: lint types layers record test

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
