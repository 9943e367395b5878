# Two commands for a newcomer: `make run` serves the app, `make test` runs every test.
# Each step prints what it does and is skipped when already done (stamp files).
SHELL := /bin/bash
.DEFAULT_GOAL := run

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(CURDIR)/$(VENV)/bin
PORT ?= 3000
# The address residents' browsers use: every address handed out is built from it, and only it may
# open the websocket. Behind a proxy or on a LAN tablet set it to what the browser types.
GKH_PUBLIC_URL ?= http://localhost:$(PORT)
export GKH_PUBLIC_URL
# A shared kiosk: the result page saves no receipt file on it, it shows a QR code with a short-lived link
# to the receipt for the resident's phone (GKH_KIOSK=0 for phones and desktops: the PDF download).
GKH_KIOSK ?= 1
export GKH_KIOSK
BUN_VERSION := 1.4.5
AXE_VERSION := 4.14.1

# Offline toolchain: bun from the npm registry in .tools/, no telemetry, no version checks,
# no network probes (see docs/offline.md for the list of Reflex's outbound calls).
export PATH := $(CURDIR)/.tools/node_modules/.bin:$(BIN):$(PATH)
export REFLEX_USE_SYSTEM_BUN := 1
export REFLEX_TELEMETRY_ENABLED := false
export REFLEX_CHECK_LATEST_VERSION := false
export REFLEX_HTTP_CLIENT_BIND_ADDRESS := 0.0.0.0
export REFLEX_DIR := $(CURDIR)/.tools/reflex
export REFLEX_SSR := false
NPM_CONFIG_REGISTRY ?= $(shell npm config get registry 2>/dev/null)
export NPM_CONFIG_REGISTRY

# `make serve-prod`: the same build with WORKERS backend workers sharing PostgreSQL and Redis
# (the servers on this machine by default; any URLs work).
WORKERS ?= 4
PROD_DATABASE_URL ?= postgresql+psycopg://postgres@127.0.0.1:5432/gkh
PROD_SANDBOX_DATABASE_URL ?= postgresql+psycopg://postgres@127.0.0.1:5432/gkh_sandbox
PROD_REDIS_URL ?= redis://127.0.0.1:6379/0

.PHONY: run serve-prod test lint setup db demo demo-large chromium test-tools fonts screenshots bench clean

setup: $(VENV)/.installed .tools/.installed .web/.initialized fonts

fonts:
	@test -f /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf || { \
	  echo "==> Installing Debian fonts-dejavu-core (Cyrillic font for PDF receipts)"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq fonts-dejavu-core >/dev/null; }

$(VENV)/.installed: pyproject.toml
	@echo "==> Python: virtualenv in $(VENV) and dependencies from pyproject.toml (a few minutes the first time)"
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	@$(BIN)/python -m pip install --quiet --upgrade pip 2>&1 | grep -v "is ignored" || true
	@$(BIN)/python -m pip install --quiet --progress-bar off -e '.[test]' 2>&1 | grep -v "is ignored" || true
	@$(BIN)/python -c "import reflex, sqlmodel, httpx, playwright" || { echo "Python dependencies did not install"; exit 1; }
	@touch $@

.tools/.installed: Makefile
	@echo "==> bun $(BUN_VERSION) (and axe-core $(AXE_VERSION) for the accessibility tests) from the npm registry into .tools/"
	@mkdir -p .tools
	@npm install --prefix .tools --no-audit --no-fund --loglevel=error bun@$(BUN_VERSION) axe-core@$(AXE_VERSION)
	@bun --version >/dev/null
	@touch $@

.web/.initialized: $(VENV)/.installed .tools/.installed
	@echo "==> Reflex: preparing the frontend in .web/ (bun install, pinned by reflex.lock/)"
	@reflex init --template blank --no-agents --loglevel warning
	@touch $@

db: $(VENV)/.installed
	@echo "==> Database: applying migrations, then loading the demo data if the database is empty"
	@gkh demo --if-empty

demo: $(VENV)/.installed
	@gkh demo

demo-large: $(VENV)/.installed
	@gkh demo --large

run: setup db
	@echo "==> Building the production frontend and serving http://localhost:$(PORT) (Ctrl+C to stop)"
	@reflex run --env prod --frontend-port $(PORT) --backend-port $(PORT)

serve-prod: setup
	@echo "==> Checking the settings (GKH_ENV=production refuses every demo default and lists them)"
	@gkh check-config
	@echo "==> PostgreSQL: $(PROD_DATABASE_URL) — creating the databases if missing, migrating, demo data if empty (demo only)"
	@GKH_DATABASE_URL='$(PROD_DATABASE_URL)' gkh db create '$(PROD_DATABASE_URL)' '$(PROD_SANDBOX_DATABASE_URL)'
	@if [ "$${GKH_ENV:-demo}" = production ]; then GKH_DATABASE_URL='$(PROD_DATABASE_URL)' gkh db upgrade; \
	  else GKH_DATABASE_URL='$(PROD_DATABASE_URL)' gkh demo --if-empty; fi
	@echo "==> Serving http://localhost:$(PORT) with $(WORKERS) workers, tabs' state in Redis $(PROD_REDIS_URL)"
	@GKH_DATABASE_URL='$(PROD_DATABASE_URL)' GKH_SANDBOX_DATABASE_URL='$(PROD_SANDBOX_DATABASE_URL)' \
	  GKH_REDIS_URL='$(PROD_REDIS_URL)' GRANIAN_WORKERS=$(WORKERS) \
	  reflex run --env prod --frontend-port $(PORT) --backend-port $(PORT)

chromium:
	@command -v chromium >/dev/null || { \
	  echo "==> Installing Debian chromium for the browser tests"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; }

# The tests read what a person would: the PDF receipt's words and their places (poppler's pdftotext and
# pdftoppm) and the QR codes on screen (zbar's zbarimg).
test-tools:
	@command -v zbarimg >/dev/null && command -v pdftotext >/dev/null && command -v pdftoppm >/dev/null || { \
	  echo "==> Installing Debian zbar-tools and poppler-utils (QR and PDF checks in the tests)"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq zbar-tools poppler-utils >/dev/null; }

lint: $(VENV)/.installed
	@echo "==> ruff: style, imports, bugbear, simplifications (pyproject.toml [tool.ruff])"
	@$(BIN)/ruff check .
	@echo "==> mypy: types of gkh_web/ (pyproject.toml [tool.mypy])"
	@$(BIN)/mypy

test: setup chromium test-tools lint
	@echo "==> pytest: domain, database, import and browser tests"
	@$(BIN)/python -m pytest -q

screenshots: setup test-tools
	@$(BIN)/python scripts/screenshots.py

bench: setup
	@ls bench/*.py | xargs -n1 $(BIN)/python

clean:
	rm -rf .web .states
