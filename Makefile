# Two commands for a fresh machine: `make run` and `make test`. Everything else is a step they share.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 5000
PYTEST_ARGS ?=
# What mypy checks in `make test`: the use-cases and services, the pure policies and the search port.
TYPED := marketplace/publishing marketplace/*/services.py marketplace/vacancies/lifecycle.py \
	marketplace/applications/lifecycle.py marketplace/moderation/rules.py marketplace/moderation/policy.py \
	marketplace/search/api.py marketplace/search/follow.py marketplace/search/whoosh marketplace/errors.py marketplace/unit_of_work.py

.PHONY: run test install assets lint lock wheel db demo index worker benchmarks clean

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

# Reinstalled only when the dependency list changes, so a second `make run` starts in seconds. The
# versions come from the lock file (every package pinned, with its hashes), the same on every machine.
$(VENV)/.installed: setup.cfg pyproject.toml requirements-test.lock
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet --require-hashes -r requirements-test.lock
	$(BIN)/python -m pip install --quiet --no-deps -e .
	touch $@

# Re-pin every dependency after changing setup.cfg (needs the package index): production and test locks.
lock:
	rm -rf .lock-venv && $(PYTHON) -m venv .lock-venv && .lock-venv/bin/pip install --quiet 'pip-tools==7.7.0'
	.lock-venv/bin/pip-compile --quiet --generate-hashes --strip-extras --allow-unsafe --no-emit-index-url \
		--no-emit-find-links -o requirements.lock setup.cfg
	.lock-venv/bin/pip-compile --quiet --generate-hashes --strip-extras --allow-unsafe --no-emit-index-url \
		--no-emit-find-links --extra test -o requirements-test.lock setup.cfg
	rm -rf .lock-venv

# The wheel an operator installs: the package with its migrations and built assets (see .ci/wheel).
wheel: install assets
	rm -rf dist && $(BIN)/python -m pip wheel --quiet --no-deps --wheel-dir dist .

assets: static/dist/.built

static/dist/.built: package.json package-lock.json static/build.mjs $(wildcard static/src/*)
	npm ci --no-audit --no-fund --loglevel=error
	npm run --silent build

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

worker: install
	$(BIN)/marketplace worker

# The search benchmark (needs MARKETPLACE_BENCHMARK_DATABASE_URL: an empty PostgreSQL database it may fill),
# with tantivy, its speed reference, from the `benchmarks` extra.
benchmarks: install assets
	$(BIN)/python -m pip install --quiet -e '.[benchmarks]'
	$(BIN)/python -m benchmarks

clean:
	rm -rf $(VENV) node_modules static/dist dist build .pytest_cache .ruff_cache
