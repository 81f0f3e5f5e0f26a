# OneWindow — `make run` for the demo, `make test` for the whole suite.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
VENDOR := src/onewindow/static/vendor
ADDR ?= 127.0.0.1:8000
export ONEWINDOW_VAR_DIR ?= $(CURDIR)/var

.PHONY: install install-test static fonts browser run demo test lint format bench messages clean

install: $(VENV)/.installed static fonts

$(VENV)/.installed: pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -e .
	touch $@

$(VENV)/.installed-test: $(VENV)/.installed pyproject.toml
	$(BIN)/pip install --quiet --disable-pip-version-check -e '.[test]'
	touch $@

# htmx and ECharts come from the npm registry and are served as static files.
static: $(VENDOR)/.copied

$(VENDOR)/.copied: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	mkdir -p $(VENDOR)
	cp node_modules/htmx.org/dist/htmx.min.js node_modules/echarts/dist/echarts.min.js $(VENDOR)/
	touch $@

# Certificates are PDFs made by WeasyPrint (Pango) with Noto CJK embedded: both from Debian.
fonts:
	@if ! fc-list :lang=zh 2>/dev/null | grep -q . || ! ldconfig -p | grep -q libpangoft2-1.0; then \
		echo "installing fonts-noto-cjk and Pango with apt-get"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq fonts-noto-cjk libpango-1.0-0 libpangoft2-1.0-0 >/dev/null; \
	fi

# Debian's Chromium drives the browser tests.
browser: fonts
	@if ! command -v chromium >/dev/null; then \
		echo "installing chromium with apt-get"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	fi

install-test: $(VENV)/.installed-test static browser

run: install
	mkdir -p var
	$(BIN)/onewindow migrate --no-input
	$(BIN)/onewindow demo
	$(BIN)/onewindow serve $(ADDR)

demo: install
	mkdir -p var
	$(BIN)/onewindow migrate --no-input
	$(BIN)/onewindow demo

test: install-test
	mkdir -p var
	$(BIN)/pytest $(PYTEST_ARGS)

lint: $(VENV)/.installed-test
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench

format: $(VENV)/.installed-test
	$(BIN)/ruff format src tests bench
	$(BIN)/ruff check --fix src tests bench

# After adding or changing a text: refresh the English catalogue (fill in the new msgstr by hand,
# docs/languages.md), then compile both catalogues. The .mo files are committed: the app may run
# where GNU gettext is missing, and tests check they match the .po files.
messages: $(VENV)/.installed
	cd src/onewindow && DJANGO_SETTINGS_MODULE=onewindow.settings ../../$(BIN)/python -m django makemessages -l en --ignore "static/*"
	msgfmt --check -o src/onewindow/locale/en/LC_MESSAGES/django.mo src/onewindow/locale/en/LC_MESSAGES/django.po
	msgfmt --check -o src/onewindow/locale/zh_Hans/LC_MESSAGES/django.mo src/onewindow/locale/zh_Hans/LC_MESSAGES/django.po

bench: install
	@for script in bench/*.py; do $(BIN)/python $$script; done

clean:
	rm -rf $(VENV) node_modules $(VENDOR) var
