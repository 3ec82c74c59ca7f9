# Förderlotse — the two commands are `make run` and `make test`; `make help` lists the rest.
SHELL := bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

# pyenv resolves `python` through .python-version (3.10); uv is handed that interpreter.
PY_SYS = $(shell python -c 'import sys; print(sys.executable)')
UV_VERSION := 0.13.9
UV_DIR := .tools/uv
UV := $(UV_DIR)/bin/uv
VENV := .venv
PY := $(VENV)/bin/python

export RASA_TELEMETRY_ENABLED := false
export TF_CPP_MIN_LOG_LEVEL := 2
export PYTHONDONTWRITEBYTECODE := 1

.PHONY: help setup run train test lint typecheck validate data-validate pytest unit integration browser bench bench-telegram soak fuzz audit clean

help: ## List the targets
	@awk 'BEGIN {FS = ":.*## "} /^[a-z-]+:.*## / {printf "  %-14s %s\n", $$1, $$2}' $(MAKEFILE_LIST)

$(UV):
	@echo ">> bootstrapping uv $(UV_VERSION) into $(UV_DIR)"
	python -m venv $(UV_DIR)
	$(UV_DIR)/bin/pip install --quiet --disable-pip-version-check uv==$(UV_VERSION)

# --compile-bytecode: without .pyc files every start compiles Rasa and TensorFlow from source
# again (several seconds of each start to ready). The stamp's name changes with the flags.
SYNCED := $(VENV)/.synced-bytecode

$(SYNCED): pyproject.toml uv.lock | $(UV)
	@echo ">> installing dependencies from uv.lock into $(VENV) (first time: several minutes)"
	$(UV) sync --locked --compile-bytecode -p "$(PY_SYS)"
	@touch $@

setup: $(SYNCED) ## Create the virtual environment from uv.lock

run: setup ## Train if needed, then start Rasa, action server and web server
	$(PY) -m bot run

train: setup ## Train a model when the training data changed
	$(PY) -m bot train

validate: setup ## Check the knowledge base
	$(PY) -m knowledge validate

data-validate: setup ## rasa data validate
	$(PY) -m rasa data validate --domain domain --data data --config config.yml

lint: setup ## ruff
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .

typecheck: setup ## mypy on our packages
	$(PY) -m mypy

unit: setup ## Fast tests only
	$(PY) -m pytest -m "not integration"

integration: setup browser ## Tests against real Rasa and action servers
	$(PY) -m pytest -m integration

browser: ## Install Debian's chromium for the browser tests (if missing)
	bash scripts/ensure_chromium.sh

pytest: setup browser
	$(PY) -m pytest

test: lint typecheck validate data-validate pytest ## Everything CI runs

bench: setup ## Benchmark against a stock `rasa init` assistant -> docs/bench/performance.md
	$(PY) -m scripts.bench

bench-telegram: setup ## Benchmark: Telegram bridge vs REST (latency, messages/s) -> var/bench/
	$(PY) -m scripts.bench_telegram

soak: setup ## Load + soak: 10,000 messages over 500 conversations, 10 min, RSS -> var/bench/
	$(PY) -m scripts.soak

fuzz: setup ## Longer fuzzing: the fuzz tests with 20 times the inputs, random seeds
	HYPOTHESIS_PROFILE=fuzz $(PY) -m pytest tests/fuzz -m "not integration" -q

audit: setup ## Known vulnerabilities in the locked dependencies (pip-audit; needs network)
	@mkdir -p var/bench
	$(UV) export --locked --format requirements-txt --no-hashes -o var/requirements-audit.txt -q
	$(UV) tool run --from 'pip-audit==2.9.0' pip-audit --no-deps -r var/requirements-audit.txt \
	  -f markdown -o var/bench/audit.md \
	  || { echo "pip-audit failed (no vulnerability database reachable?): see docs/security-audit.md"; exit 1; }
	@cat var/bench/audit.md

clean: ## Remove the environment, models and runtime data
	rm -rf $(VENV) .tools models var .pytest_cache .mypy_cache .ruff_cache
