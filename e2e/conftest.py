"""Browser fixtures: a built bundle per runtime, a local site, and pages that fail on stray traffic.

Everything is served from 127.0.0.1. Heap's CDN is answered by a recording stand-in through
Playwright routing; any other outside request is aborted and fails the test.
"""

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from e2e import served as local_server
from e2e.chromium import CHROMIUM, CHROMIUM_FLAGS
from heap_device.tools.server import HEAP_SCRIPT, STANDIN

REPO = Path(__file__).resolve().parent.parent
NODE_MODULES = REPO / "node_modules"
SITE_FILES = Path(__file__).resolve().parent / "web"
RUNTIMES = ("micropython", "pyodide")
# Bundles the site serves, each under /<name>/: both interpreters in a Web Worker (the default
# build), and both through PyScript on the page (build --boot pyscript). --dev: the tests read
# Heap_RS.running and the heap-device:calls events (e2e/test_package.py tests a site's build).
BUNDLES = {
    "micropython": ["--runtime", "micropython", "--dev"],
    "pyodide": ["--runtime", "pyodide", "--dev"],
    "pyscript": ["--runtime", "micropython", "--boot", "pyscript", "--dev"],
    "pyscript-pyodide": ["--runtime", "pyodide", "--boot", "pyscript", "--dev"],
}
# Every browser test runs on these: the default build on both interpreters, and PyScript's.
TEST_BUNDLES = ("micropython", "pyodide", "pyscript")
SDKS = {
    "v3": NODE_MODULES / "@rudderstack/analytics-js/dist/npm/modern/bundled/umd/index.js",
    "v1": NODE_MODULES / "rudder-sdk-js/dist/npm/index.js",
}
# Errors the page may log without it being our fault.
ALLOWED_CONSOLE_ERRORS = (
    # rudder-sdk-js 2.x logs this on every load.
    "This RudderStack JavaScript SDK package is deprecated",
)
BOOT_TIMEOUT_MS = 60_000


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    if CHROMIUM.exists():
        return {
            **browser_type_launch_args,
            "executable_path": str(CHROMIUM),
            "args": CHROMIUM_FLAGS,
        }
    return browser_type_launch_args


class Site:
    """The local web site: bundles per runtime, the SDKs, and pages written by the tests."""

    def __init__(self, root, server):
        self.root = root
        self.server = server
        self.origin = server.origin
        self.other_origins = []  # more local origins serving the same files (see other_origin)
        self._pages = 0

    def add_headers(self, headers):
        """Send ``headers`` on every response of this test (e.g. a real CSP)."""
        self.server.headers.update(headers)

    @property
    def posts(self):
        return self.server.dataplane.posts()

    def snippet(self, bundle, options=None):
        cmd = [sys.executable, "-m", "heap_device.tools.cli", "snippet", "--base-url", "/" + bundle]
        cmd += ["--from", str(self.root / bundle)]
        if options is not None:
            cmd += ["--options", json.dumps(options)]
        return subprocess.run(cmd, check=True, capture_output=True, text=True, cwd=REPO).stdout

    def page(self, bundle, dest_config, sdk="v3", options=None, early=0, head="", tag=None):
        """Write a test page and return its URL (``tag``: our script tag, if not the snippet's)."""
        self._pages += 1
        name = "page-%d.html" % self._pages
        cfg = json.dumps({"sdk": sdk, "destConfig": dest_config, "early": early})
        html = (
            '<!doctype html><html><head><meta charset="utf-8"><link rel="icon" href="data:,">\n'
            + head
            + (self.snippet(bundle, options) if tag is None else tag)
            + '<script type="application/json" id="cfg">%s</script>\n' % cfg
            + '<script src="/vendor/%s.js"></script>\n' % sdk
            + '<script src="/test-page.js"></script>\n'
            + "</head><body><h1>heap-device test</h1></body></html>\n"
        )
        (self.root / name).write_text(html, encoding="utf-8")
        return self.origin + "/" + name


@pytest.fixture(scope="session")
def site(tmp_path_factory):
    root = tmp_path_factory.mktemp("site")
    for bundle, args in BUNDLES.items():
        subprocess.run(
            [
                sys.executable,
                "-m",
                "heap_device.tools.cli",
                "build",
                "--out",
                str(root / bundle),
                *args,
            ],
            check=True,
            cwd=REPO,
        )
    (root / "vendor").mkdir()
    for name, path in SDKS.items():
        shutil.copyfile(path, root / "vendor" / (name + ".js"))
    for path in SITE_FILES.iterdir():
        shutil.copyfile(path, root / path.name)
    server = local_server.start(root)
    yield Site(root, server)
    local_server.stop(server)


@pytest.fixture
def other_origin(site):
    """A second local origin (another port) serving the same files, as a CDN would: with CORS."""
    server = local_server.start(site.root)
    server.headers["Access-Control-Allow-Origin"] = "*"
    site.other_origins.append(server.origin)
    yield server.origin
    site.other_origins.remove(server.origin)
    local_server.stop(server)


@pytest.fixture(params=TEST_BUNDLES)
def runtime(request):
    """Each browser test runs on both interpreters in the worker, and on MicroPython by PyScript."""
    return request.param


class Watch:
    """What a page did: Heap script requests, stray requests, errors and console lines."""

    def __init__(self):
        self.heap_requests = []
        self.strays = []
        self.page_errors = []
        self.console = []  # (type, text)
        self.expected_errors = []  # regexes a test expects among console errors
        self.heap_status = 200  # what the stand-in CDN answers; a test may make it fail (0: abort)

    def console_errors(self):
        return [text for kind, text in self.console if kind == "error"]

    def unexpected_errors(self):
        allowed = ALLOWED_CONSOLE_ERRORS
        return [
            text
            for text in self.console_errors()
            if not any(a in text for a in allowed)
            and not any(re.search(p, text) for p in self.expected_errors)
        ]


@pytest.fixture
def watch(page, site):
    """Route requests: local ones pass, Heap's script gets the stand-in, others fail the test."""
    seen = Watch()
    standin = STANDIN.read_text(encoding="utf-8")

    def route(r):
        url = r.request.url
        if url.startswith(site.origin + "/no-integrations"):
            # The SDK asked for its own Heap integration: it did not find ours mounted.
            seen.strays.append(url)
            r.abort()
        elif any(url.startswith(o + "/") for o in [site.origin, *site.other_origins]) or (
            url.startswith("data:") or url.startswith("blob:")
        ):
            r.continue_()
        elif HEAP_SCRIPT.match(url):
            seen.heap_requests.append(url)
            if seen.heap_status == 0:  # an ad blocker
                return r.abort()
            body = standin if seen.heap_status == 200 else "not found"
            r.fulfill(status=seen.heap_status, content_type="text/javascript", body=body)
        else:
            seen.strays.append(url)
            r.abort()

    page.route("**/*", route)
    headers = dict(site.server.headers)  # a test may add some (site.add_headers): for it only
    page.on("pageerror", lambda exc: seen.page_errors.append(str(exc)))
    page.on("console", lambda msg: seen.console.append((msg.type, msg.text)))
    page.set_default_timeout(BOOT_TIMEOUT_MS)
    yield seen
    site.server.headers.clear()
    site.server.headers.update(headers)
    assert seen.strays == [], "requests left 127.0.0.1"
    assert seen.page_errors == [], "errors reached the page"
    assert seen.unexpected_errors() == [], "unexpected console errors"
