# Two commands do all the set-up on a fresh machine: `make test` and `make demo`.
# Each target installs what it needs (Python venv, npm packages, a Chromium) first.

PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
PORT   ?= 8000
# pytest's workers for `make test` (pytest-xdist): the browser tests spend much of their time
# waiting on Chromium, so two processes keep this 2-core machine busy. WORKERS=0: one process.
WORKERS ?= 2

.PHONY: setup test unit node e2e lint demo screenshot bench build dist clean runtime runtime-check minify

setup: $(VENV)/.installed $(VENV)/.xdist node_modules/.installed .browser-ready .servers-ready

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test]'
	touch $@

# pytest-xdist for `make test -n`, in a venv made before it was one of the test extras.
$(VENV)/.xdist: $(VENV)/.installed
	$(PY) -m pip install --quiet 'pytest-xdist>=3.6'
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

# Debian's Chromium where it exists or apt can install it (root); otherwise Playwright's own build.
.browser-ready: $(VENV)/.installed
	@if [ -x /usr/bin/chromium ]; then echo "browser: /usr/bin/chromium"; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null) \
	  || $(PY) -m playwright install chromium; \
	else $(PY) -m playwright install chromium; fi
	touch $@

# Debian's nginx (+ brotli_static), Caddy and Apache, which tests run the docs' configs on; as root
# only (the tests skip without them), none left running (e2e/servers/install.sh).
.servers-ready: e2e/servers/install.sh
	bash e2e/servers/install.sh
	touch $@

lint: $(VENV)/.installed
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

unit: setup node
	$(PY) -m pytest tests

# The page side's modules (static/page/*.js) against fakes, and the demo's model
# (static/demo/*.mjs), in Node's own test runner: seconds.
node:
	node --test tests/page/ tests/demo/

e2e: setup
	$(PY) -m pytest e2e

# Set-up, then lint, dist and the Node tests, two at a time (on a fresh clone pip and npm ci
# overlap); dist before pytest: e2e/test_package.py installs that wheel in a fresh venv outside
# the clone. --dist loadfile: a file's module fixtures (a venv, a build) are made once, in one worker.
test:
	$(MAKE) --no-print-directory -j2 setup
	$(MAKE) --no-print-directory -j2 lint dist node
	HEAP_DEVICE_DIST=dist $(PY) -m pytest -n $(WORKERS) --dist loadfile tests e2e

build: setup
	$(VENV)/bin/heap-device build --out build/heap

# The sdist, then the wheel built from it (what `pip install` gets): dist/heap_device-*.whl.
dist: setup
	rm -rf dist
	$(PY) -m build --outdir dist . >/dev/null
	@ls -l dist

demo: setup
	$(VENV)/bin/heap-device demo --port $(PORT)

# Retake docs/demo.png (the demo after three calls, in Chromium; e2e/demo_screenshot.py).
screenshot: setup
	$(PY) -m e2e.demo_screenshot

# Every build the CLI offers beside the JS baseline: 5 interleaved cold runs, one 1,000-event loss
# page per build; 8-15 minutes on this shared 2-core machine. Then first events on a real network
# (desktop and mobile links, cold and repeat visits; needs root for the CPU cgroup; 3-5 minutes).
# Writes bench/results.json, bench/results-network.json, docs/benchmarks.*
bench: setup
	$(PY) -m pip install --quiet -e '.[test,bench]'
	$(PY) bench/run.py
	$(PY) bench/network.py

clean:
	rm -rf build dist site .pytest_cache .hypothesis .browser-ready .servers-ready

# Our MicroPython, from runtime/ (runtime/README.md): the web build into static/runtime/ and the
# host build for `heap-device try`. The built files are committed: users, `make test` and CI need
# no toolchain. `make -C runtime toolchain` (and runtime/host) installs Debian's, as root. Its glue
# is in the runtime module a build ships minified: then make minify.
runtime:
	$(MAKE) -C runtime
	$(MAKE) --no-print-directory minify

# The scripts a build ships, minified by terser (Debian's: make -C runtime toolchain) into
# static/minified/, which is committed: a build needs no Node. Run it after an edit to static/page/,
# static/heap-device-runtime.js or the runtime's glue (tests/test_minified.py says when).
minify:
	$(PY) -m heap_device.tools.minified --write

# Rebuild both from the sources and compare byte for byte with the committed files (CI runs it),
# and static/minified/ with what terser makes of today's scripts.
runtime-check:
	$(MAKE) -C runtime check
	$(MAKE) -C runtime/host check
	$(PY) -m pytest -q -p no:cacheprovider tests/test_minified.py  # terser's output, with terser
