# Two commands matter: `make run` and `make test`. Everything else is what they call.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app shinjuku_pwa
HOST ?= 127.0.0.1
PORT ?= 8000
WORKERS ?= 2
# Readable log lines on a laptop; production's default is JSON (README "Running in production").
LOG_FORMAT ?= text
# translations/<folder> : Babel locale used for plural rules (ja_EASY is easy Japanese, formatted as ja)
CATALOGS := ja:ja ja_EASY:ja en:en zh_Hans:zh_Hans zh_Hant:zh_Hant ko:ko vi:vi ne:ne my:my
# What `make install` puts in the virtualenv besides the app: the test and lint tools.
EXTRAS := test,lint

.PHONY: run test lint setup install db content keys compile-translations translations audit clean

run: setup
	@echo "Serving on http://$(HOST):$(PORT)/ (Ctrl-C stops)"
	HOST=$(HOST) PORT=$(PORT) WORKERS=$(WORKERS) LOG_FORMAT=$(LOG_FORMAT) $(BIN)/gunicorn --config gunicorn.conf.py wsgi:app

test: install compile-translations
	$(BIN)/python -m pytest $(PYTEST_ARGS)

# Style (ruff), types (mypy, configured in pyproject.toml) and the import layers (import-linter).
lint: install
	@test -x $(BIN)/ruff -a -x $(BIN)/mypy -a -x $(BIN)/lint-imports || $(BIN)/python -m pip install --quiet -e '.[$(EXTRAS)]'
	$(BIN)/ruff check shinjuku_pwa tests bench scripts
	$(BIN)/mypy
	$(BIN)/lint-imports

setup: install compile-translations db content keys

install: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[$(EXTRAS)]'
	touch $@

db: install
	$(FLASK) db upgrade

content: install
	$(FLASK) content import

# VAPID keys for Web Push, generated once into instance/ (unless VAPID_PRIVATE_KEY is set).
keys: install
	$(FLASK) push keys

# Compiled catalogs are built here from the committed .po files, never committed themselves.
compile-translations: install
	@for pair in $(CATALOGS); do dir=$${pair%%:*}; loc=$${pair##*:}; \
	  po=translations/$$dir/LC_MESSAGES/messages.po; mo=$${po%.po}.mo; \
	  if [ -f $$po ] && { [ ! -f $$mo ] || [ $$po -nt $$mo ]; }; then \
	    $(BIN)/pybabel compile --statistics -l $$loc -i $$po -o $$mo || exit 1; fi; done

# After changing UI strings: extract them, update every catalog, compile.
translations: install
	$(BIN)/pybabel extract -F babel.cfg -k lazy_gettext -k _l --sort-by-file --no-wrap -o messages.pot .
	@for pair in $(CATALOGS); do dir=$${pair%%:*}; loc=$${pair##*:}; \
	  po=translations/$$dir/LC_MESSAGES/messages.po; \
	  if [ -f $$po ]; then $(BIN)/pybabel update --no-fuzzy-matching -l $$loc -i messages.pot -o $$po || exit 1; \
	  else mkdir -p $$(dirname $$po) && $(BIN)/pybabel init -l $$loc -i messages.pot -o $$po || exit 1; fi; done
	$(MAKE) compile-translations

# Lighthouse (pinned in tools/audit) on home and a page in three locales; prints the scores.
audit: setup
	npm ci --prefix tools/audit --no-audit --no-fund --loglevel=error
	$(BIN)/python scripts/lighthouse_audit.py

clean:
	rm -rf $(VENV) instance
