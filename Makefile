# Side by Side — the two commands: `make run` and `make test`.
PYTHON ?= python3
VENV   ?= .venv
PY     := $(VENV)/bin/python
PIP    := $(VENV)/bin/pip
PORT   ?= 8501
CHROMIUM ?= /usr/bin/chromium

.PHONY: run workshop test lint check bench clean venv deps dev-deps browser

$(PY):
	$(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip

$(VENV)/.deps: requirements.txt | $(PY)
	$(PIP) install --quiet -r requirements.txt
	touch $@

$(VENV)/.dev-deps: requirements.txt requirements-dev.txt | $(PY)
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

## make test: dev requirements, Debian's Chromium when missing, the whole suite
test: dev-deps browser
	$(VENV)/bin/ruff check .
	$(PY) -m studio check exercises
	STUDIO_CHROMIUM=$(CHROMIUM) $(PY) -m pytest -q -p no:cacheprovider --timeout=600

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

lint: dev-deps
	$(VENV)/bin/ruff check .

check: deps
	$(PY) -m studio check exercises

## make bench: the benchmark against a bare Streamlit page (QUICK=1 for a smoke run)
bench: dev-deps browser
	STUDIO_CHROMIUM=$(CHROMIUM) $(PY) bench/run.py $(if $(QUICK),--quick,)

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
