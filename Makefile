# `make help` lists the targets; each is described by its ## comment.
SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
RASA := $(VENV)/bin/rasa
MODEL := models/assistant.tar.gz
export PYTHONPATH := $(CURDIR)
# Rasa and TensorFlow are chatty; keep warnings, drop the rest.
export TF_CPP_MIN_LOG_LEVEL ?= 2
export ACTIONS_PORT ?= 5055
export ACTIONS_URL ?= http://127.0.0.1:$(ACTIONS_PORT)/webhook

TRAINING_INPUTS := config.yml domain.yml $(shell find data components -type f \( -name '*.yml' -o -name '*.py' \) 2>/dev/null) bot/vocabulary.py rasa_overrides/spacy_nlp.py

WEB_DEPS := web/node_modules/.package-lock.json
WEBCHAT_FIXTURE := tests/fixtures/webchat/node_modules/.package-lock.json

.PHONY: help install fixtures system-deps train run test test-fast lint types bench validate clean kb-review answers-report

help: ## this list
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | sed -E 's/:.*## /\t/' | expand -t 16

install: $(VENV)/.installed $(WEB_DEPS) ## the Python environment and the widget's npm packages

# socket.io-client for the widget, from the npm registry, exactly as locked.
$(WEB_DEPS): web/package.json web/package-lock.json
	scripts/install-system-deps.sh npm
	npm ci --prefix web --no-audit --no-fund --loglevel=error
	@touch $@

fixtures: $(WEBCHAT_FIXTURE) ## rasa-webchat, the standard Rasa widget that a browser test drives

# rasa-webchat for tests/test_rasa_webchat.py, exactly as locked; its built file needs none of its install scripts.
$(WEBCHAT_FIXTURE): tests/fixtures/webchat/package.json tests/fixtures/webchat/package-lock.json
	scripts/install-system-deps.sh npm
	npm ci --prefix tests/fixtures/webchat --include=dev --ignore-scripts --no-audit --no-fund --loglevel=error
	@touch $@

# Debian's Chromium (browser tests), PostgreSQL and Redis (scale-out tests), nginx (deployment test).
system-deps: ## Debian's Chromium, PostgreSQL, Redis and nginx, for the tests
	scripts/install-system-deps.sh npm chromium postgresql redis nginx

$(VENV)/.installed: requirements.txt scripts/find-python310.sh
	@test -x $(PY) || "$$(scripts/find-python310.sh)" -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip==24.3.1
	$(PY) -m pip install --quiet -r requirements.txt
	$(PY) -m pip check
	@touch $@

train: $(MODEL) ## train the model if its inputs changed

$(MODEL): $(VENV)/.installed $(TRAINING_INPUTS)
	$(RASA) train --fixed-model-name assistant --out models --quiet
	@touch $@

validate: install ## rasa data validate, warnings as errors
	$(RASA) data validate --fail-on-warnings

run: install $(MODEL) ## install, train if needed, start every server and print the addresses
	$(PY) -m launch

test: install fixtures system-deps $(MODEL) lint types ## everything: lint, types, then every test (CI runs this)
	@$(PY) scripts/kb_review.py --warn-only
	$(PY) -m pytest --durations=15 tests

test-fast: $(VENV)/.installed ## the unit tier: bot/ and the actions on tracker fixtures, no server, no model
	$(PY) -m pytest -m unit -q tests

lint: $(VENV)/.installed ## ruff: lint and formatting
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

types: $(VENV)/.installed ## mypy, strict on bot/
	$(VENV)/bin/mypy

kb-review: $(VENV)/.installed ## facts whose review date has passed (exits 1 if any)
	$(PY) scripts/kb_review.py

answers-report: $(VENV)/.installed ## the length of every composed answer (docs/answer-lengths.md)
	$(PY) scripts/answer_lengths.py

bench: install system-deps ## speed and memory, this setup against Rasa's default one (docs/benchmark.md)
	$(PY) scripts/bench.py

clean: ## remove the model, test results and artifacts
	rm -rf models results .pytest_cache test-artifacts
