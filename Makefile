# Two commands for a fresh machine: `make run` and `make test`. Everything else is a step they share.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 5000
PYTEST_ARGS ?=
# What mypy checks in `make test`: the use-cases and services, the pure policies and the search port.
TYPED := marketplace/publishing marketplace/*/services.py marketplace/vacancies/lifecycle.py \
	marketplace/applications/lifecycle.py marketplace/moderation/rules.py marketplace/moderation/policy.py \
	marketplace/search/api.py marketplace/search/whoosh marketplace/errors.py marketplace/unit_of_work.py

.PHONY: run test install assets lint db demo index worker benchmarks clean

# Links in the demo's output and in emails point at the port actually served.
run: export MARKETPLACE_BASE_URL ?= http://127.0.0.1:$(PORT)
run: install assets
	$(BIN)/marketplace db upgrade
	$(BIN)/marketplace demo --if-empty
	$(BIN)/marketplace search sync || $(BIN)/marketplace search rebuild  # rebuilt when the schema changed
	$(BIN)/marketplace run --host 127.0.0.1 --port $(PORT)

test: install assets
	$(BIN)/ruff check .
	$(BIN)/mypy $(TYPED)
	$(BIN)/pytest $(PYTEST_ARGS)

install: $(VENV)/.installed

# Reinstalled only when the dependency list changes, so a second `make run` starts in seconds.
$(VENV)/.installed: setup.cfg pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@

assets: static/dist/.built

static/dist/.built: package.json package-lock.json static/build.mjs $(wildcard static/src/*)
	npm ci --no-audit --no-fund --loglevel=error
	npm run --silent build

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

worker: install
	$(BIN)/marketplace worker

benchmarks: install
	$(BIN)/python -m benchmarks

clean:
	rm -rf $(VENV) node_modules static/dist .pytest_cache .ruff_cache
