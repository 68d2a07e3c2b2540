# make run   : install, train if needed, start the action server, Rasa and the web page (Ctrl-C stops all)
# make test  : install (system packages for the browser, PostgreSQL and Redis tests too), train if needed, run every test
# make bench : speed and memory, this setup against Rasa's default one (docs/benchmark.md)
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

TRAINING_INPUTS := config.yml domain.yml $(shell find data components -type f \( -name '*.yml' -o -name '*.py' \) 2>/dev/null) bot/vocabulary.py

WEB_DEPS := web/node_modules/.package-lock.json

.PHONY: install system-deps train run test bench validate clean

install: $(VENV)/.installed $(WEB_DEPS)

# socket.io-client for the widget, from the npm registry, exactly as locked.
$(WEB_DEPS): web/package.json web/package-lock.json
	scripts/install-system-deps.sh npm
	npm ci --prefix web --no-audit --no-fund --loglevel=error
	@touch $@

# Debian's Chromium (browser test), PostgreSQL and Redis (scale-out test).
system-deps:
	scripts/install-system-deps.sh npm chromium postgresql redis

$(VENV)/.installed: requirements.txt scripts/find-python310.sh
	@test -x $(PY) || "$$(scripts/find-python310.sh)" -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip==24.3.1
	$(PY) -m pip install --quiet -r requirements.txt
	$(PY) -m pip check
	@touch $@

train: $(MODEL)

$(MODEL): $(VENV)/.installed $(TRAINING_INPUTS)
	$(RASA) train --fixed-model-name assistant --out models --quiet
	@touch $@

validate: install
	$(RASA) data validate --fail-on-warnings

run: install $(MODEL)
	scripts/run.sh

test: install system-deps $(MODEL)
	$(PY) -m pytest tests

bench: install system-deps
	$(PY) scripts/bench.py

clean:
	rm -rf models results .pytest_cache test-artifacts
