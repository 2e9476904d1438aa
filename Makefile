# SSA Portal: the two commands a newcomer needs.
#   make start   set up everything and run the portal on http://127.0.0.1:8000 (PORT=8001 for another port);
#                with a broker, a Celery worker beside it (ops/serve.sh: if either stops, both stop)
#   make test    run the whole test suite (PostgreSQL + Redis + Chromium)
# Both create the virtual environment in .venv; start installs requirements.txt (what the
# portal runs on), test also requirements-dev.txt (test tools).

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP     := $(VENV)/.installed-rt-$(shell cat requirements.txt | sha1sum | cut -c1-12)
DEV_STAMP := $(VENV)/.installed-dev-$(shell cat requirements.txt requirements-dev.txt | sha1sum | cut -c1-12)

# Test defaults: the machine's local services (README, "Configuration").
# make start PORT=8001 serves on another port; links in e-mails follow it unless
# PORTAL_BASE_URL is configured (README, "Configuration").
PORT ?= 8000

# The suite runs on this many pytest-xdist workers (0: one process).
TEST_WORKERS ?= 2

TEST_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/ssa_portal
TEST_REDIS_URL    ?= redis://127.0.0.1:6379/0

.PHONY: start test install install-dev chromium pango services

# The stamps' names carry a hash of the requirements' contents: a changed file gives a new
# name, so no timestamp prerequisite (a fresh clone's files are newer than a linked .venv).
$(STAMP):
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.txt
	rm -f $(VENV)/.installed-rt-* && touch $@

$(DEV_STAMP): | $(STAMP)
	$(BIN)/python -m pip install --quiet -r requirements-dev.txt
	rm -f $(VENV)/.installed-dev-* && touch $@

install: $(STAMP)

install-dev: $(DEV_STAMP)

start: export PORTAL_BASE_URL ?= http://127.0.0.1:$(PORT)
start: install pango
	$(BIN)/python manage.py schema_setup
	$(BIN)/python manage.py load_reference_data
	$(BIN)/python manage.py load_demo_data
	@BIN=$(BIN) PORT=$(PORT) ops/serve.sh

# Debian's Chromium for the browser tests (Playwright drives it; no browser download).
chromium:
	@command -v chromium >/dev/null 2>&1 || { \
	  echo "Installing Debian's chromium for browser tests"; \
	  if [ "$$(id -u)" = 0 ]; then SUDO=""; else SUDO=sudo; fi; \
	  $$SUDO apt-get update -qq && $$SUDO apt-get install -y -qq chromium >/dev/null; }

# Pango (and a font) for WeasyPrint, which draws the PDF briefs: Debian's packages.
pango:
	@ldconfig -p 2>/dev/null | grep -q 'libpangoft2-1.0.so.0' || { \
	  echo "Installing Pango for the PDF briefs (WeasyPrint)"; \
	  if [ "$$(id -u)" = 0 ]; then SUDO=""; else SUDO=sudo; fi; \
	  $$SUDO apt-get update -qq && $$SUDO apt-get install -y -qq libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core >/dev/null; }

test: install-dev chromium pango
	DATABASE_URL=$${DATABASE_URL:-$(TEST_DATABASE_URL)} REDIS_URL=$${REDIS_URL:-$(TEST_REDIS_URL)} \
	  $(BIN)/python -m pytest -n $(TEST_WORKERS) --dist loadfile $(PYTEST_ARGS)
