# Love Bank: `make run` to try it, `make test` to check it. Nothing but Python 3.11,
# make, Node.js and a C compiler is assumed on the machine.

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
NODE_STAMP := miniprogram/node_modules/.installed

.PHONY: run test lint pytest jest install bench preview migrate clean chromium

$(STAMP): pyproject.toml requirements.lock
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -c requirements.lock -e '.[dev,test]'
	touch $(STAMP)

install: $(STAMP)

run: $(STAMP)
	$(PY) -m server.run

migrate: $(STAMP)
	$(VENV)/bin/lovebank migrate

# The console's browser tests drive Debian's chromium (tests/console/test_browser.py): installed here when it is
# missing and apt-get can be used (as root); elsewhere those tests are skipped.
chromium:
	@command -v chromium >/dev/null || command -v chromium-browser >/dev/null || \
		{ if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
			apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver fonts-noto-cjk; \
		else echo "Chromium missing (apt-get install -y chromium chromium-driver fonts-noto-cjk): browser tests will be skipped"; fi; }

test: $(STAMP) chromium
	$(PY) -m ruff check .
	$(PY) -m pytest
	@if [ -f miniprogram/package.json ]; then $(MAKE) jest; fi

pytest: $(STAMP)
	$(PY) -m pytest $(ARGS)

lint: $(STAMP)
	$(PY) -m ruff check .

$(NODE_STAMP): miniprogram/package.json miniprogram/package-lock.json
	cd miniprogram && npm ci --no-audit --no-fund --loglevel=error
	touch $(NODE_STAMP)

jest: $(NODE_STAMP) $(STAMP)
	cd miniprogram && npx eslint . && npx jest --ci

# Every mini-program page rendered with demo data to var/preview/*.png, and every console page at 1280×800 and
# as printed (var/preview/console-*.png; needs Debian's chromium).
preview: $(NODE_STAMP) $(STAMP)
	@command -v chromium >/dev/null || command -v chromium-browser >/dev/null || \
		{ echo "make preview needs Chromium: apt-get install -y chromium fonts-noto-cjk"; exit 1; }
	rm -rf var/preview
	cd miniprogram && npx jest --config tools/preview.config.js --silent && node tools/shoot.js
	$(PY) -m tests.console.shots var/preview

bench: $(STAMP)
	$(PY) -m bench

clean:
	rm -rf $(VENV) miniprogram/node_modules var/*.db var/*.db-* var/redis
