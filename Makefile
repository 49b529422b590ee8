# The two commands of the README: `make run` and `make test`. Everything else supports them.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
NODE_STAMP := node_modules/.installed
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: install run test messages check-deploy worker beat clean bench bench-redirect bench-feed bench-metrics bench-leaderboard

## install: create .venv and install Python and front-end dependencies (quick when nothing changed)
install: $(STAMP) $(NODE_STAMP)

$(STAMP): pyproject.toml constraints.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --upgrade "pip>=24"
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -c constraints.txt -e ".[test]"
	touch $@

$(NODE_STAMP): package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

## run: install, migrate, load the demo company if the database is empty, and serve on http://127.0.0.1:8000
run: install
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py seed_demo
	@echo "Serving on http://$(HOST):$(PORT)/ (Ctrl+C to stop)"
	$(BIN)/python manage.py runserver $(HOST):$(PORT)

## test: install, then run the whole suite (PostgreSQL/Redis/Chromium tests skip unless configured)
test: install
	$(BIN)/python manage.py makemigrations --check --dry-run
	$(BIN)/python -m pytest

## messages: refresh the Spanish catalogue after changing user-facing strings
messages: install
	$(BIN)/python manage.py makemessages -l es --ignore=.venv --ignore=node_modules --ignore=tests --ignore=bench
	$(BIN)/python manage.py compilemessages -l es --ignore=.venv --ignore=node_modules

## worker / beat: a Celery worker and the scheduler (need REDIS_URL)
worker: install
	$(BIN)/celery -A advocacy worker --loglevel=INFO
beat: install
	$(BIN)/celery -A advocacy beat --loglevel=INFO --schedule var/celerybeat-schedule

clean:
	rm -rf $(VENV) node_modules staticfiles .pytest_cache

## bench: every hot path at company scale, each beside its baseline, in one run (PostgreSQL, Redis; BENCH_ARGS=--small
## for a quick look, --write to record it; see bench/README.md)
bench: install
	$(BIN)/python -m bench.suite $(BENCH_ARGS)

## bench-redirect: requests/s of /s/<code> beside a bare 302 view under gunicorn (needs PostgreSQL; see bench/README.md)
bench-redirect: install
	$(BIN)/python -m bench.redirect $(BENCH_ARGS)

## bench-feed: the dashboard with 10,000 posts and 10,000 employees beside 10 posts (PostgreSQL; bench/README.md)
bench-feed: install
	$(BIN)/python -m bench.feed $(BENCH_ARGS)

## bench-leaderboard: top 20 + my rank, Redis beside the database, 100,000 employees, 5M points (bench/README.md)
bench-leaderboard: install
	$(BIN)/python -m bench.leaderboard $(BENCH_ARGS)

## bench-metrics: a day's KPI rollup and the monthly report beside raw-event figures, 10M clicks (bench/README.md)
bench-metrics: install
	$(BIN)/python -m bench.metrics $(BENCH_ARGS)
