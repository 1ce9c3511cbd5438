# The two commands of the README: `make run` and `make test`. Both work on a fresh machine with
# only Python 3.11, pip and apt: they create .venv and install what they need.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP_RUN := $(VENV)/.installed-run
STAMP_TEST := $(VENV)/.installed-test

.PHONY: run test lint typecheck check-migrations browser-deps clean translations extract \
	update-translations check-translations

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(STAMP_RUN): pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e .
	touch $@

$(STAMP_TEST): pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@ $(STAMP_RUN)

run: $(STAMP_RUN) translations
	$(BIN)/tracker db upgrade
	$(BIN)/tracker users bootstrap
	$(BIN)/tracker dev --host 127.0.0.1 --port 5000

# Browser tests drive Debian's chromium (Playwright never downloads a browser here) and inject
# axe-core from npm.
browser-deps:
	@command -v chromium >/dev/null 2>&1 || { \
	  if command -v apt-get >/dev/null 2>&1; then \
	    echo "installing Debian's chromium for the browser tests"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	  else echo "chromium is missing and apt-get is not available" >&2; exit 1; fi; }
	@command -v npm >/dev/null 2>&1 || { \
	  if command -v apt-get >/dev/null 2>&1; then \
	    echo "installing Debian's npm for axe-core"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq npm >/dev/null; \
	  else echo "npm is missing and apt-get is not available" >&2; exit 1; fi; }
	@test -f tests/e2e/node_modules/axe-core/axe.min.js || npm ci --silent --prefix tests/e2e

test: $(STAMP_TEST) browser-deps translations
	$(BIN)/python -m pytest -n 2 -q $(PYTEST_ARGS)

# Texts: tracker/translations/{fr,en}/LC_MESSAGES/messages.po, keyed by tracker's symbolic keys.
# The compiled .mo files are build products (not committed): `run` and `test` compile them.
# Keywords: tracker's own helpers (_, gettext, ngettext, pgettext, t) and N_, the no-op marker of
# keys built at run time (tracker/i18n/dynamic_keys.py); tracker.i18n.check uses the same list.
BABEL_KEYWORDS := -k _ -k gettext -k ngettext:1,2 -k pgettext:1c,2 -k N_ -k t

translations: $(STAMP_RUN)
	$(BIN)/pybabel -q compile -d tracker/translations

extract: $(STAMP_RUN)
	mkdir -p build
	$(BIN)/pybabel extract -F babel.cfg $(BABEL_KEYWORDS) -o build/messages.pot .

update-translations: extract
	$(BIN)/pybabel update -i build/messages.pot -d tracker/translations --no-fuzzy-matching
	@# Babel drops python-format on msgids without placeholders (tracker's keys): put it back.
	$(BIN)/python -m tracker.i18n.check --restore-flags

check-translations: $(STAMP_RUN)
	$(BIN)/python -m tracker.i18n.check

lint: $(STAMP_TEST)
	$(BIN)/ruff check .

typecheck: $(STAMP_TEST)
	$(BIN)/mypy
	$(BIN)/lint-imports

check-migrations: $(STAMP_TEST)
	TRACKER_DATABASE_URL=sqlite:///$(CURDIR)/build/check.sqlite3 TRACKER_INSTANCE_DIR=$(CURDIR)/build \
	  sh -c 'rm -f build/check.sqlite3 && $(BIN)/alembic upgrade head && $(BIN)/alembic check'

clean:
	rm -rf $(VENV) build dist *.egg-info tracker/translations/*/LC_MESSAGES/*.mo
