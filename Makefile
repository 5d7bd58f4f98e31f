# Backoffice API — developer commands. `make run` and `make test` work on a fresh machine
# with Python 3.11 and make: they create .venv and install what they need.

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
# Local development: DEBUG on and a persistent development key unless set otherwise.
DEV_ENV = DEBUG=$${DEBUG:-true} SECRET_KEY="$${SECRET_KEY:-$$(cat var/dev_secret_key)}"
TEST_ENV = DJANGO_SETTINGS_MODULE=config.settings_test
# Test processes for `make test` (pytest-xdist; each has its own test database, test_<name>_gwN).
# `make test PYTEST_WORKERS=0` runs the suite in this one process; `auto` is one per core.
PYTEST_WORKERS ?= 2

.PHONY: run serve up test install install-dev worker bench sync-demo loadtest fuzz lint format clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: requirements.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.installed-dev: requirements.txt requirements-dev.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $(VENV)/.installed $@

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

var/dev_secret_key:
	@mkdir -p var
	@$(PYTHON) -c "import secrets; print(secrets.token_urlsafe(50))" > $@

## run: set up and serve http://127.0.0.1:8000 on the embedded defaults, with demo data;
##      writes a development .env (DEBUG on, var/dev_secret_key) when there is none
run: install var/dev_secret_key
	@$(BIN)/python -m scripts.dev_env
	$(DEV_ENV) $(BIN)/python manage.py migrate --noinput
	$(DEV_ENV) $(BIN)/python manage.py seed_demo
	@echo "Serving on http://$(HOST):$(PORT)/ — admin: /admin/  API docs: /api/docs/"
	$(DEV_ENV) $(BIN)/python manage.py runserver $(HOST):$(PORT)

# Production-like local serving: DEBUG off; plain http on 127.0.0.1, so no SSL redirect or
# secure-only cookies unless set (behind a TLS proxy, set them to true).
PROD_ENV = DEBUG=false SECRET_KEY="$${SECRET_KEY:-$$(cat var/dev_secret_key)}" \
	SECURE_SSL_REDIRECT=$${SECURE_SSL_REDIRECT:-false} SESSION_COOKIE_SECURE=$${SESSION_COOKIE_SECURE:-false} \
	CSRF_COOKIE_SECURE=$${CSRF_COOKIE_SECURE:-false} SECURE_HSTS_SECONDS=$${SECURE_HSTS_SECONDS:-0} \
	PATH="$(CURDIR)/$(BIN):$$PATH"

## serve: gunicorn (config/gunicorn.py) with whitenoise, DEBUG off, on http://127.0.0.1:8000
serve: install var/dev_secret_key
	$(PROD_ENV) $(BIN)/python manage.py migrate --noinput
	$(PROD_ENV) $(BIN)/python manage.py collectstatic --noinput -v0
	$(PROD_ENV) $(BIN)/gunicorn -c config/gunicorn.py config.wsgi

## up: web + Celery worker + beat (Procfile, honcho) against CELERY_BROKER_URL
up: install-dev var/dev_secret_key
	@test -n "$$CELERY_BROKER_URL" || (echo "Set CELERY_BROKER_URL, e.g. amqp://guest:guest@127.0.0.1:5672//"; exit 1)
	$(PROD_ENV) $(BIN)/python manage.py migrate --noinput
	$(PROD_ENV) $(BIN)/python manage.py collectstatic --noinput -v0
	$(PROD_ENV) $(BIN)/honcho start -f Procfile

## test: set up and run lint, migration check and the test suite
test: install-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(TEST_ENV) $(BIN)/python manage.py makemigrations --check --dry-run
	$(TEST_ENV) $(BIN)/python -m pytest -n $(PYTEST_WORKERS) $(PYTEST_ARGS)

## worker: Celery worker with an embedded beat (needs CELERY_BROKER_URL)
worker: install var/dev_secret_key
	@test -n "$$CELERY_BROKER_URL" || (echo "Set CELERY_BROKER_URL, e.g. amqp://guest:guest@127.0.0.1:5672//"; exit 1)
	$(DEV_ENV) $(BIN)/celery -A config worker --beat --loglevel=INFO

## bench: run the benchmarks (`make bench BENCH="members_feed"` for some)
bench: install-dev
	$(TEST_ENV) $(BIN)/python -m bench $(BENCH)

## sync-demo: two sites on 127.0.0.1 syncing members both ways, and across an outage
sync-demo: install-dev
	$(BIN)/python -m scripts.sync_demo

## loadtest: gunicorn on PostgreSQL with seeded data, driven by wrk (prints rps, p50/p99, errors)
loadtest: install-dev
	$(BIN)/python -m scripts.loadtest $(LOADTEST_ARGS)

## fuzz: schemathesis over the whole schema as a user and as staff, more examples than CI
fuzz: install-dev
	bash .ci/fuzz --max-examples $${FUZZ_EXAMPLES:-100} --max-time $${FUZZ_SECONDS:-900} $(FUZZ_ARGS)

lint: install-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install-dev
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

clean:
	rm -rf $(VENV) var db.sqlite3 staticfiles .pytest_cache .ruff_cache .hypothesis
