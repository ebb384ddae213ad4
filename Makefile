# The newcomer's commands: `make run` serves the demo portal, `make test` runs the suite.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1:8000

.PHONY: run serve serve-edge test test-load e2e lighthouse lint audit format migrations-check messages messages-check install install-dev

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.installed: requirements.txt $(BIN)/python
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.installed-dev: requirements.txt requirements-dev.txt $(VENV)/.installed
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $@

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

# The task worker (`manage.py worker`) runs beside the web server and stops with it.
run: install
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py seed_demo
	$(BIN)/python manage.py worker & worker=$$!; trap 'kill $$worker 2>/dev/null' EXIT; \
	$(BIN)/python manage.py runserver $(HOST)

# axe-core, which the browser tests load into pages (pinned in package-lock.json).
node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund --silent

# Every test but the load suites (minutes of load, 50 threads at once): make test-load.
# The suite runs in one process a core, at most four (pytest-xdist; TEST_PROCESSES=0
# runs it in this process, e.g. to use a debugger).
TEST_PROCESSES ?= auto
test: install-dev node_modules/.package-lock.json
	$(BIN)/pytest -n $(TEST_PROCESSES) --maxprocesses 4 -m "not soak and not concurrency" $(PYTEST_ARGS)

# The load suites alone: `make serve` under wrk, a worker killed and Redis stopped
# mid-load (soak; SOAK_SECONDS=10 for a quick run), 50 threads writing at once (concurrency).
test-load: install-dev
	$(BIN)/pytest -m "soak or concurrency" $(PYTEST_ARGS)

# Browser tests only (they also run in `make test` when Chromium is installed).
e2e: install-dev node_modules/.package-lock.json
	$(BIN)/pytest -m e2e $(PYTEST_ARGS)

# Lighthouse (mobile) scores of the main pages under `make serve` with the demo
# content (bench/lighthouse.sh; not part of `make test`). Lighthouse is pinned
# in bench/lighthouse/ and installed there on first use.
lighthouse: install
	bench/lighthouse.sh

lint: install-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/bandit -q -r portal articles community accounts caching -x '*/migrations/*'

# Known vulnerabilities in every pinned dependency, from PyPI's vulnerability data.
# --strict: a dependency that could not be checked fails the audit too.
audit: install-dev
	$(BIN)/pip-audit --strict --progress-spinner off -r requirements.txt -r requirements-dev.txt

format: install-dev
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

migrations-check: install
	$(BIN)/python manage.py makemigrations --check --dry-run

# Refresh the Chinese catalog after changing UI text (needs gettext's msgfmt).
messages: install
	$(BIN)/python manage.py makemessages --locale zh_Hans --no-location --ignore '.venv/*' --ignore 'node_modules/*'
	$(BIN)/python manage.py compilemessages --locale zh_Hans --ignore '.venv/*' --ignore 'node_modules/*'

# Fail when a UI string is missing from the catalog (the header date is ignored).
messages-check: install
	$(BIN)/python manage.py makemessages --locale zh_Hans --no-location --ignore '.venv/*' --ignore 'node_modules/*'
	git diff --exit-code -I 'POT-Creation-Date' -- locale/

# The production configuration on this machine: debug off, collected and
# compressed static files, cached pages of the previous code expired, gunicorn
# on 127.0.0.1:8000 (see gunicorn.conf.py).
SERVE_ENV = DJANGO_DEBUG=0 DJANGO_SECURE_SSL_REDIRECT=0 \
	DJANGO_SECRET_KEY=$${DJANGO_SECRET_KEY:-local-serve-$$(hostname)-not-for-the-internet}

serve: install
	$(SERVE_ENV) $(BIN)/python manage.py migrate --noinput
	$(SERVE_ENV) $(BIN)/python manage.py collectstatic --noinput -v0
	$(SERVE_ENV) $(BIN)/python manage.py expire_pages
	$(SERVE_ENV) $(BIN)/python manage.py worker & worker=$$!; trap 'kill $$worker 2>/dev/null' EXIT; \
	$(SERVE_ENV) $(BIN)/gunicorn portal.wsgi

# `make serve` behind Varnish (deploy/varnish/portal.vcl) on EDGE_BIND; the app
# purges it (FRONTEND_CACHE_URLS), and it stops when the app stops. Needs Debian's
# varnish and varnish-modules. The copy of the VCL points at GUNICORN_BIND.
EDGE_BIND ?= 127.0.0.1:8080

serve-edge: install
	@PATH="$$PATH:/usr/sbin" command -v varnishd >/dev/null || \
		{ echo "make serve-edge needs varnishd: apt-get install varnish varnish-modules" >&2; exit 1; }
	@edge=$$(mktemp -d "$${TMPDIR:-/tmp}/portal-edge.XXXXXX") && chmod 755 "$$edge" && \
	stop() { pid=$$(cat "$$edge/varnishd.pid" 2>/dev/null) && kill $$pid && \
		while kill -0 $$pid 2>/dev/null; do sleep 0.1; done; rm -rf "$$edge"; } && \
	trap stop EXIT && trap 'exit 130' INT TERM && \
	app=$${GUNICORN_BIND:-127.0.0.1:8000} && \
	sed -e '/^backend app {/,/^}/s/^\(    \.host = \)"[^"]*"/\1"'"$${app%:*}"'"/' \
		-e '/^backend app {/,/^}/s/^\(    \.port = \)"[^"]*"/\1"'"$${app##*:}"'"/' \
		deploy/varnish/portal.vcl > "$$edge/portal.vcl" && \
	PATH="$$PATH:/usr/sbin" varnishd -n "$$edge/work" -a $(EDGE_BIND) -f "$$edge/portal.vcl" \
		-s malloc,256m -P "$$edge/varnishd.pid" && \
	echo "Varnish on http://$(EDGE_BIND) in front of http://$$app" && \
	FRONTEND_CACHE_URLS=http://$(EDGE_BIND) DJANGO_TRUSTED_PROXIES=$${DJANGO_TRUSTED_PROXIES:-127.0.0.1} \
		$(MAKE) --no-print-directory serve
