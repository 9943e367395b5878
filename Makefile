# Two commands for a newcomer: `make run` serves the app, `make test` runs every test.
# Each step prints what it does and is skipped when already done (stamp files).
SHELL := /bin/bash
.DEFAULT_GOAL := run

PYTHON ?= $(shell command -v python3.11 || command -v python3)
# Every Python package, direct and transitive, pinned with its hashes; pyproject.toml stays the file people edit
# and `make lock` writes this one from it.
LOCK := requirements.lock
# Only the browser tests' Debian packages need root: as an ordinary user they are installed through sudo.
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
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
# `npm --prefix .tools` would look for its global npmrc under .tools/etc and miss the machine's (a proxy's CA
# file, a mirror): name the machine's own.
NPM_GLOBALCONFIG ?= $(shell npm config get globalconfig 2>/dev/null)

# `make serve-prod`: the same build with WORKERS backend workers sharing PostgreSQL and Redis
# (the servers on this machine by default; any URLs work).
WORKERS ?= 4
PROD_DATABASE_URL ?= postgresql+psycopg://postgres@127.0.0.1:5432/gkh
PROD_SANDBOX_DATABASE_URL ?= postgresql+psycopg://postgres@127.0.0.1:5432/gkh_sandbox
PROD_REDIS_URL ?= redis://127.0.0.1:6379/0

.PHONY: run serve-prod test lint setup python-check lock db demo demo-large chromium test-tools screenshots bench clean distclean

setup: $(VENV)/.installed .tools/.installed .web/.initialized

# Python 3.11+ with its venv module (Debian and Ubuntu ship it apart, as python3.X-venv), checked before anything
# is made: a virtualenv made without it has no pip and would fail later in a way that hides why.
python-check:
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null || { \
	  echo "Python 3.11 or newer is needed, and '$(or $(PYTHON),python3)' is not one. Debian 12 and Ubuntu 24.04 have it:"; \
	  echo "sudo apt install python3 python3-venv; or name one: make run PYTHON=/path/to/python3.11"; exit 1; }
	@$(PYTHON) -c 'import ensurepip, venv' 2>/dev/null || { \
	  v=$$($(PYTHON) -c 'import sys; print(f"{sys.version_info[0]}.{sys.version_info[1]}")'); \
	  echo "Python's venv module is missing. Install it (once, as root): sudo apt install python$$v-venv"; exit 1; }

# pip's own words are all shown and its exit status kept; only one kind of line is dropped: the warning that a
# package folder named in a machine's pip.conf does not exist (some build machines list dozens).
PIP := set -o pipefail; $(BIN)/python -m pip
PIP_SHOWN := 2>&1 | { grep -v "is ignored: it is neither a file nor a directory" || true; }

$(VENV)/.installed: pyproject.toml $(LOCK) | python-check
	@echo "==> Python: virtualenv in $(VENV), every package from $(LOCK) with its hash checked (a few minutes the first time)"
	@$(BIN)/python -m pip --version >/dev/null 2>&1 || { rm -rf $(VENV) && $(PYTHON) -m venv $(VENV); }
	@$(PIP) install --quiet --progress-bar off --require-hashes --no-deps -r $(LOCK) $(PIP_SHOWN)
	@# (setuptools warns about editable installs in general: a warning, not an error, so it is not shown)
	@export PYTHONWARNINGS=ignore; $(PIP) install --quiet --progress-bar off --no-deps --no-build-isolation -e . $(PIP_SHOWN)
	@$(PIP) check $(PIP_SHOWN)
	@touch $@

# Refresh requirements.lock after editing pyproject.toml's dependencies (or to take a newer release of a
# transitive one): every platform and Python 3.11+, the build backend included, hashes for every file.
lock:
	@test -x $(BIN)/uv || { echo "uv comes with the test tools: run make setup first"; exit 1; }
	@echo "==> $(LOCK): resolving pyproject.toml (dependencies, [test] and the build backend) with uv"
	@$(BIN)/python -c 'import tomllib; print(*tomllib.load(open("pyproject.toml", "rb"))["build-system"]["requires"], sep="\n")' \
	  | $(BIN)/uv pip compile pyproject.toml - --extra test --universal --python-version 3.11 --generate-hashes \
	      --quiet --custom-compile-command "make lock" -o $(LOCK)

.tools/.installed: Makefile
	@echo "==> bun $(BUN_VERSION) (and axe-core $(AXE_VERSION) for the accessibility tests) from the npm registry into .tools/"
	@mkdir -p .tools
	@npm install --prefix .tools --globalconfig "$(NPM_GLOBALCONFIG)" --no-audit --no-fund --loglevel=error bun@$(BUN_VERSION) axe-core@$(AXE_VERSION)
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
	  echo "==> Installing Debian chromium for the browser tests (apt-get needs root$(if $(SUDO),: through sudo))"; \
	  $(SUDO) apt-get update -qq && $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; }

# The tests read what a person would: the PDF receipt's words and their places (poppler's pdftotext and
# pdftoppm) and the QR codes on screen (zbar's zbarimg).
test-tools:
	@command -v zbarimg >/dev/null && command -v pdftotext >/dev/null && command -v pdftoppm >/dev/null || { \
	  echo "==> Installing Debian zbar-tools and poppler-utils (QR and PDF checks in the tests; apt-get needs root$(if $(SUDO),: through sudo))"; \
	  $(SUDO) apt-get update -qq && $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq zbar-tools poppler-utils >/dev/null; }

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

# `make clean` drops the built frontend and the tabs' saved state; `make distclean` also the installs (.venv with
# the Python packages, .tools with bun and axe-core), back to a fresh clone. Neither touches data/ (the database).
clean:
	rm -rf .web .states

distclean: clean
	rm -rf $(VENV) .tools *.egg-info
