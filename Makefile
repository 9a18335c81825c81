# Hulpbot Mechelen. The two commands a new user needs: `make run` and `make test`.
SHELL := /bin/bash
.DEFAULT_GOAL := help
export RASA_TELEMETRY_ENABLED := false
export SQLALCHEMY_SILENCE_UBER_WARNING := 1

VENV   := .venv
BIN    := $(VENV)/bin
PY     := $(BIN)/python
STAMP  := $(VENV)/.installed
SPACY  := build/spacy_nl/meta.json
MODEL  := models/hulpbot.tar.gz
# What the model is trained from. data/content is not here: facts change without retraining.
TRAIN_INPUTS := config.yml domain.yml data/rules.yml data/stories.yml \
	$(wildcard data/nlu/*.yml) bot/nlu/components.py bot/safety.py

.PHONY: help install train run shell test lint bench clean system-packages

help:
	@echo "make run    install, train if needed, start the assistant (Ctrl-C stops it)"
	@echo "make test   install what tests need and run all checks and tests"
	@echo "make shell  talk to the running assistant in this terminal"
	@echo "make bench  measure training, start-up, latency and memory (docs/benchmarks.md)"
	@echo "make install / make train / make lint / make clean"

$(STAMP): pyproject.toml constraints.txt
	@python310="$$(scripts/find-python310)" && \
	  { [ -x $(PY) ] || "$$python310" -m venv $(VENV); }
	$(PY) -m pip install --quiet --disable-pip-version-check -c constraints.txt -e '.[dev]'
	@touch $@

# Debian packages the tests need (Chromium, npm, zbar, nginx): installed when run as root,
# else the exact apt-get line is printed.
system-packages:
	@scripts/ensure-system-packages

# Test tools from npm (axe-core, injected into pages by the browser tests).
AXE := node_modules/axe-core/axe.min.js
$(AXE): package.json package-lock.json | system-packages
	npm ci --no-audit --no-fund --ignore-scripts --loglevel=error
	@touch $@

$(SPACY): $(STAMP)
	$(BIN)/bot build-spacy build/spacy_nl

install: $(STAMP) $(SPACY)

$(MODEL): $(STAMP) $(SPACY) $(TRAIN_INPUTS)
	$(BIN)/rasa train --fixed-model-name hulpbot --out models
	@touch $@

train: $(MODEL)

run: install train
	@$(BIN)/bot check-content
	@$(BIN)/bot secrets
	@$(BIN)/bot migrate
	@echo
	@echo "  Hulpbot starts in about 30 seconds. Talk to it:"
	@echo "    in another terminal: make shell"
	@echo "  Web chat for residents: http://127.0.0.1:5090/chat  (share page: /delen)"
	@echo "  Staff dashboard: http://127.0.0.1:5080"
	@echo "    (first make an account: .venv/bin/bot staff add NAME --role admin)"
	@echo "  Telegram and SMS: settings in .env (see README and .env.example)."
	@echo "  Ctrl-C stops everything."
	@echo
	PYTHONWARNINGS=ignore::DeprecationWarning TF_CPP_MIN_LOG_LEVEL=2 $(BIN)/honcho start -f Procfile

shell: install
	$(BIN)/bot chat

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

test: system-packages install train lint $(AXE)
	$(PY) -m pytest

bench: install train
	$(BIN)/bot bench

clean:
	rm -rf build models .rasa test-artifacts .pytest_cache .mypy_cache .ruff_cache node_modules
