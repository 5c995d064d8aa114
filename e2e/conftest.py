"""Browser fixtures: a built bundle per runtime, a local site, and pages that fail on stray traffic.

Everything is served from 127.0.0.1. Heap's CDN is answered by a recording stand-in through
Playwright routing; any other outside request fails in Chromium and fails the test.
"""

import fcntl
import hashlib
import json
import re
import shutil
import tempfile
import time
from pathlib import Path

import pytest

from e2e import served as local_server
from e2e.chromium import CHROMIUM, CHROMIUM_FLAGS
from heap_device.tools.bundle import bundle_files, entry_of
from heap_device.tools.output import write_bundle
from heap_device.tools.precompress import precompressed
from heap_device.tools.server import HEAP_SCRIPT, STANDIN
from heap_device.tools.snippet import snippet_from

REPO = Path(__file__).resolve().parent.parent
NODE_MODULES = REPO / "node_modules"
SITE_FILES = Path(__file__).resolve().parent / "web"
RUNTIMES = ("micropython", "pyodide")
# Bundles the site serves, each under /<name>/: both interpreters in a Web Worker (the default
# build), and both through PyScript on the page (build --boot pyscript). --dev: the tests read
# Heap_RS.running and the heap-device:calls events (e2e/test_package.py tests a site's build).
BUNDLES = {
    "micropython": ("micropython", "worker"),
    "pyodide": ("pyodide", "worker"),
    "pyscript": ("micropython", "pyscript"),
    "pyscript-pyodide": ("pyodide", "pyscript"),
}
# Builds made by earlier sessions, by their inputs (built_bundle).
BUILD_CACHE = Path(tempfile.gettempdir()) / "heap-device-test-builds"
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


def wait_until(page, found, failure, timeout_ms=BOOT_TIMEOUT_MS):
    """Check ``found()`` every 100 ms until it is true; then return it. Past ``timeout_ms``
    (a runtime's start's budget unless told), fail with ``failure`` (called if callable).

    For what only this process sees (console lines, requests, the data plane's POSTs). It waits
    with page.wait_for_timeout, not time.sleep: this process answers the page's routed requests.
    """
    deadline = time.monotonic() + timeout_ms / 1000
    while not (result := found()):
        assert time.monotonic() < deadline, failure() if callable(failure) else failure
        page.wait_for_timeout(100)
    return result


@pytest.fixture(scope="session")
def base_url(pytestconfig):
    """pytest-playwright's own base_url, as a plain function: without pytest-base-url it is a
    method of a plugin object, which pytest 9 warns of (PytestRemovedIn10Warning) on every run."""
    return pytestconfig.getoption("--base-url", None) or pytestconfig.getini("base_url") or None


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    # The flags on Playwright's own Chromium too: without the resolver rule a stray request
    # would reach the network (watch notes it, but no longer stops it).
    args = {**browser_type_launch_args, "args": CHROMIUM_FLAGS}
    if CHROMIUM.exists():
        args["executable_path"] = str(CHROMIUM)
    return args


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

    def hold(self, suffix):
        """Leave files ending in ``suffix`` unanswered until the returned function is called."""
        return local_server.hold(self.server, suffix)

    @property
    def posts(self):
        return self.server.dataplane.posts()

    def snippet(self, bundle, options=None):
        """`heap-device snippet --from <bundle> --base-url /<bundle> [--options ...]`'s tag."""
        given = None if options is None else json.dumps(options)
        return snippet_from(self.root / bundle, "/" + bundle, given)

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


def _build_key(runtime, boot, files):
    """What a build depends on: the files it writes (bundle_files) and the code that writes them."""
    digest = hashlib.sha256(("%s %s\n" % (runtime, boot)).encode())
    tools = sorted((REPO / "heap_device" / "tools").glob("*.py"))
    for name, source in sorted({**files, **{str(p): p for p in tools}}.items()):
        data = source if isinstance(source, bytes) else Path(source).read_bytes()
        digest.update(b"%d %s %d\n" % (len(name), name.encode(), len(data)))
        digest.update(data)
    return digest.hexdigest()[:24]


def built_bundle(out, runtime, boot):
    """Write the --dev build of ``runtime``/``boot`` into ``out``, from a cache keyed by its inputs.

    Building compresses every file (brotli's best quality: seconds per interpreter); the same
    sources always give the same bytes (tests/test_suite_reproducible.py), so a build made by an
    earlier session, or by another pytest worker, is copied instead.
    """
    files = bundle_files(runtime, boot, dev=True)
    cached = BUILD_CACHE / _build_key(runtime, boot, files)
    BUILD_CACHE.mkdir(parents=True, exist_ok=True)
    with open(BUILD_CACHE / "lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # one writer; the others wait, then copy
        if not (cached / ".complete").exists():
            shutil.rmtree(cached, ignore_errors=True)
            write_bundle(cached, {**files, **precompressed(files)}, entry_of(files))
            (cached / ".complete").touch()
            _prune(BUILD_CACHE, keep=cached)
    shutil.copytree(cached, out, ignore=shutil.ignore_patterns(".complete"))


def _prune(cache, keep, age_s=2 * 24 * 3600):
    """Forget builds no session has used for two days (their sources are gone)."""
    now = time.time()
    for entry in cache.iterdir():
        if entry.is_dir() and entry != keep and now - entry.stat().st_mtime > age_s:
            shutil.rmtree(entry, ignore_errors=True)


@pytest.fixture(scope="session")
def site(tmp_path_factory):
    root = tmp_path_factory.mktemp("site")
    for name, (runtime, boot) in BUNDLES.items():
        built_bundle(root / name, runtime, boot)
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
    """Heap's script gets the stand-in; a request that leaves 127.0.0.1 fails the test.

    Only Heap's URLs are routed (Playwright matches the pattern in its driver): routing every
    request would stop each one until this process answers, and the SDK's data plane sends one
    per event. Any other host fails in Chromium itself (CHROMIUM_FLAGS' resolver rule) and is
    noted here from the request event.
    """
    seen = Watch()
    standin = STANDIN.read_text(encoding="utf-8")

    def note(request):
        url = request.url
        local = any(url.startswith(o + "/") for o in [site.origin, *site.other_origins])
        if url.startswith(site.origin + "/no-integrations"):
            # The SDK asked for its own Heap integration: it did not find ours mounted.
            seen.strays.append(url)
        elif not (local or url.startswith(("data:", "blob:")) or HEAP_SCRIPT.match(url)):
            seen.strays.append(url)

    def heap_script(r):
        seen.heap_requests.append(r.request.url)
        if seen.heap_status == 0:  # an ad blocker
            return r.abort()
        body = standin if seen.heap_status == 200 else "not found"
        r.fulfill(status=seen.heap_status, content_type="text/javascript", body=body)

    page.on("request", note)
    page.route(HEAP_SCRIPT, heap_script)
    page.route(re.compile(re.escape(site.origin) + "/no-integrations"), lambda r: r.abort())
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
