# Withcare — every target creates and uses .venv itself (re-installing when pyproject.toml changes).
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp
NODE_STAMP := node_modules/.installed-stamp
PORT   ?= 8000

.PHONY: demo test check fix bench docs system-deps clean help messages

help:
	@echo "make demo   - install, load synthetic demo data, serve on http://127.0.0.1:$(PORT)"
	@echo "make test   - install, run checks (ruff, mypy, import-linter) and the whole test suite"
	@echo "make check  - only the static checks"
	@echo "make bench  - benchmarks (not part of make test)"
	@echo "make system-deps - as root: install PostgreSQL and Chromium from Debian's packages"

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@touch $(STAMP)

$(NODE_STAMP): package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	@touch $(NODE_STAMP)

demo: $(STAMP)
	$(BIN)/withcare demo --port $(PORT)

check: $(STAMP)
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench
	$(BIN)/mypy
	$(BIN)/lint-imports

fix: $(STAMP)
	$(BIN)/ruff check --fix src tests bench
	$(BIN)/ruff format src tests bench

test: $(STAMP) $(NODE_STAMP)
	$(MAKE) --no-print-directory check
	$(BIN)/pytest

bench: $(STAMP)
	$(BIN)/python -m bench

system-deps:
	bash scripts/install-system-deps.sh

clean:
	rm -rf $(VENV) node_modules .mypy_cache .ruff_cache .pytest_cache .hypothesis

messages: $(STAMP)  ## re-extract translatable text and merge it into the Welsh catalogue
	$(BIN)/pybabel extract -F babel.cfg -k _ -k gettext -k ngettext:1,2 -k N_ --no-location \
	  --sort-output --project Withcare --copyright-holder "The Withcare developers" \
	  -o src/withcare/web/locale/messages.pot .
	$(BIN)/pybabel update -i src/withcare/web/locale/messages.pot -d src/withcare/web/locale -l cy --no-fuzzy-matching -w 100
