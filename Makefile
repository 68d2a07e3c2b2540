# make run  : install, train if needed, start the action server and Rasa (Ctrl-C stops all)
# make test : install, train if needed, run every test
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

.PHONY: install train run test validate clean

install: $(VENV)/.installed

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

test: install $(MODEL)
	$(PY) -m pytest tests

clean:
	rm -rf models results .pytest_cache
