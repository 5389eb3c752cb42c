# Husly: `make demo` serves the demo municipality; `make test` runs the whole suite.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
DEMO_ENV := HUSLY_DEMO=1
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: demo demo-data production test setup static messages lint serve clean bench bench-load bench-peer

setup: $(STAMP) static messages

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --upgrade pip
	$(VENV)/bin/pip install --quiet -e ".[dev]"
	touch $(STAMP)

node_modules/.package-lock.json: package.json package-lock.json
	npm ci $(NPM_FLAGS) --no-audit --no-fund --loglevel=error

static/vendor/designsystemet/designsystemet.css: node_modules/.package-lock.json
	mkdir -p static/vendor/designsystemet
	cp node_modules/@digdir/designsystemet-css/dist/src/index.css static/vendor/designsystemet/designsystemet.css
	cp node_modules/@digdir/designsystemet-css/dist/theme/designsystemet.css static/vendor/designsystemet/theme.css
	cp node_modules/@digdir/designsystemet-css/LICENSE static/vendor/designsystemet/LICENSE

static: $(STAMP) static/vendor/designsystemet/designsystemet.css
	$(PY) manage.py collectstatic --noinput --verbosity 0

messages: $(STAMP)
	$(PY) manage.py compilemessages --verbosity 0 --ignore=.venv --ignore=node_modules

# On PostgreSQL (make demo DATABASE_URL=postgres://…) the database is created when missing.
demo-data: setup
	$(DEMO_ENV) $(PY) manage.py database_ensure
	$(DEMO_ENV) $(PY) manage.py migrate --verbosity 0
	$(DEMO_ENV) $(PY) manage.py demo_setup

demo: demo-data
	@echo "Husly: http://$(HOST):$(PORT)/"
	$(DEMO_ENV) $(PY) manage.py runserver --noreload $(HOST):$(PORT)

test: setup
	$(PY) -m pytest

# The benchmark suite (docs/performance.md): PostgreSQL, gunicorn, wrk and locust.
BENCH_SCALE ?= city
BENCH_STAMP := $(VENV)/.bench-installed

$(BENCH_STAMP): $(STAMP) pyproject.toml
	$(VENV)/bin/pip install --quiet -e ".[dev,bench]"
	@command -v wrk >/dev/null || (apt-get update -qq && apt-get install -y -qq wrk)
	touch $(BENCH_STAMP)

bench: setup $(BENCH_STAMP)
	$(PY) bench/run.py --scale $(BENCH_SCALE)

bench-load: setup $(BENCH_STAMP)
	$(PY) bench/load.py --scale $(BENCH_SCALE)

bench-peer: setup $(BENCH_STAMP)
	$(PY) bench/peer_stability.py --scale $(BENCH_SCALE)

# A server's install (docs/deploy.md): no test tools, no development npm packages. Run with
# the server's environment file loaded, so collectstatic writes into its HUSLY_VAR_DIR.
production:
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --upgrade pip
	$(VENV)/bin/pip install --quiet -e .
	$(MAKE) static/vendor/designsystemet/designsystemet.css NPM_FLAGS=--omit=dev
	$(PY) manage.py compilemessages --verbosity 0 --ignore=.venv --ignore=node_modules
	$(PY) manage.py collectstatic --noinput --verbosity 0

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/lint-imports

clean:
	rm -rf $(VENV) node_modules static/vendor var
