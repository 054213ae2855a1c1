# Side by Side — the two commands: `make run` and `make test`.
PYTHON ?= python3
VENV   ?= .venv
PY     := $(VENV)/bin/python
PIP    := $(VENV)/bin/pip
PORT   ?= 8501
CHROMIUM ?= /usr/bin/chromium

.PHONY: run workshop test quick lint check bench clean venv deps dev-deps browser postgres proxy

$(PY):
	$(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip

$(VENV)/.deps: requirements.txt | $(PY)
	$(PIP) install --quiet -r requirements.txt
	touch $@

$(VENV)/.dev-deps: requirements.txt requirements-dev.txt requirements-postgres.txt | $(PY)
	$(PIP) install --quiet -r requirements-dev.txt
	touch $(VENV)/.deps $@

venv: $(PY)
deps: $(VENV)/.deps
dev-deps: $(VENV)/.dev-deps

## make run: set everything up and start the studio on http://localhost:$(PORT)
run: deps
	$(PY) -m studio check exercises || true
	$(PY) -m studio.ui.launch --server.port $(PORT) --server.address localhost

## make workshop: a workshop server phones on the same network can reach (prints the
## join address; STUDIO_PUBLIC_URL=https://… for a server behind a proxy)
workshop: deps
	$(PY) -m studio check exercises || true
	$(PY) -m studio workshop --port $(PORT)

## make test: dev requirements, Debian's Chromium, PostgreSQL and HAProxy when missing,
## the whole suite (the store tests on SQLite and on a throwaway Postgres it starts)
test: dev-deps browser postgres proxy
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy
	$(PY) -m studio check exercises
	STUDIO_CHROMIUM=$(CHROMIUM) STUDIO_REQUIRE_POSTGRES=1 STUDIO_REQUIRE_PROXY=1 \
	  $(PY) -m pytest -q -p no:cacheprovider --timeout=600

browser:
	@if [ -x "$(CHROMIUM)" ]; then \
	  echo "Chromium found at $(CHROMIUM)"; \
	elif [ "$$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then \
	  echo "Installing Debian's chromium for the browser tests…"; \
	  apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium; \
	else \
	  echo "The browser tests need Chromium at $(CHROMIUM)."; \
	  echo "Install it (Debian/Ubuntu: sudo apt-get install chromium), or run"; \
	  echo "  make test CHROMIUM=/path/to/chromium"; \
	  exit 1; \
	fi

# The tests start their own server from these binaries in a temp folder (tests/pg.py);
# the package's own cluster, if Debian starts one, is not used.
postgres:
	@if [ -n "$$STUDIO_PG_BIN" ] || ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then \
	  echo "PostgreSQL found"; \
	elif [ "$$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then \
	  echo "Installing Debian's postgresql for the Postgres half of the tests…"; \
	  apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q postgresql; \
	else \
	  echo "The tests need PostgreSQL's server programs (initdb, postgres)."; \
	  echo "Install them (Debian/Ubuntu: sudo apt-get install postgresql), or point"; \
	  echo "STUDIO_PG_BIN to the folder that holds them."; \
	  exit 1; \
	fi

# The two-replica test and benchmark run deploy/haproxy.cfg with Debian's HAProxy.
proxy:
	@if command -v haproxy >/dev/null 2>&1 || [ -x /usr/sbin/haproxy ]; then \
	  echo "HAProxy found"; \
	elif [ "$$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then \
	  echo "Installing Debian's haproxy for the two-replica test…"; \
	  apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q haproxy; \
	else \
	  echo "The two-replica test needs HAProxy (Debian/Ubuntu: sudo apt-get install haproxy)."; \
	  exit 1; \
	fi

## make lint: ruff (lint and format) and mypy (settings and strictness: pyproject.toml)
lint: dev-deps
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy

## make quick: unit tests and AppTests on SQLite only, no browser, no Postgres (~2 min)
quick: dev-deps
	$(PY) -m pytest -q -p no:cacheprovider --timeout=600 tests/unit tests/app -k "not postgres"

check: deps
	$(PY) -m studio check exercises

## make bench: the benchmark against a bare Streamlit page (QUICK=1 for a smoke run)
## (part 8, two replicas on PostgreSQL behind HAProxy, is skipped with a line saying
## what is missing when they can't be installed here)
bench: dev-deps browser
	-@$(MAKE) --no-print-directory postgres proxy
	STUDIO_CHROMIUM=$(CHROMIUM) $(PY) bench/run.py $(if $(QUICK),--quick,)

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
