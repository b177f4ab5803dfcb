# The few commands people need. `make run` and `make test` work on a fresh clone.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
STAMP := $(VENV)/.installed

.PHONY: run test lint format serve backup restore bench install

$(STAMP): requirements.txt requirements-dev.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $(STAMP)

install: $(STAMP)

## Development server with the demo content, at http://127.0.0.1:8000
run: $(STAMP)
	DEBUG=1 $(PY) manage.py migrate --noinput
	DEBUG=1 $(PY) manage.py load_demo
	DEBUG=1 $(PY) manage.py create_demo_accounts
	DEBUG=1 $(PY) manage.py runserver 127.0.0.1:8000

## The test suite (browser and PostgreSQL tests skip, with a reason, when those are missing)
test: $(STAMP)
	$(BIN)/pytest -n 2 $(PYTEST_ARGS)

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(STAMP)
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

## Production-style serving: gunicorn + whitenoise; settings from the environment
serve: $(STAMP)
	$(PY) manage.py collectstatic --noinput -v0
	$(if $(filter 0,$(MIGRATE)),,$(PY) manage.py migrate --noinput)
	$(BIN)/gunicorn deliberation.wsgi:application --workers $${WEB_CONCURRENCY:-2} \
		--bind $${BIND:-127.0.0.1:8000} --timeout $${GUNICORN_TIMEOUT:-120} \
		--access-logfile - --error-logfile -

backup: $(STAMP)
	$(PY) manage.py backup_database $(if $(FILE),--output $(FILE),)

restore: $(STAMP)
	$(PY) manage.py restore_database $(FILE)

## The performance benchmark on PostgreSQL (docs/performance.md): builds the small and
## large data sets, serves each with gunicorn, loads it with wrk, prints the table.
bench: $(STAMP)
	command -v wrk >/dev/null || apt-get install -y wrk
	$(PY) -m deliberation.benchmark $(BENCH_ARGS)
