"""docs/website-setup.md's nginx, Caddy and Apache blocks in Chromium: Heap gets the events.

One build for every server; each server runs exactly the docs' block (tests/test_servers_headers.py
checks every answer's headers and runs `heap-device check` on the same blocks), and one page visit
each, with the docs' Content-Security-Policy: every file comes as its .br copy. nginx also over
HTTPS with a self-signed certificate (a secure context as a real deploy is: the entry verifies
the files it loads with SubtleCrypto). A server that is not installed skips (run
e2e/servers/install.sh as root).
"""

import json

import pytest

from e2e.servers import harness
from heap_device.tools.server import HEAP_SCRIPT, STANDIN

CASES = [(server, False) for server in harness.SERVERS] + [("nginx", True)]


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    # The HTTPS case's certificate is the test's own: Chromium takes it as a real one would be.
    return {**browser_context_args, "ignore_https_errors": True}


@pytest.fixture
def site():
    return harness.shared_site()[0]


def visit(page, origin):
    """Open the page; return Heap's calls, the console lines, and requests that left the site."""
    strays, console = [], []
    standin = STANDIN.read_text(encoding="utf-8")

    def route(r):
        url = r.request.url
        if url.startswith(origin + "/") and "/no-integrations" not in url:
            r.continue_()
        elif HEAP_SCRIPT.match(url):
            r.fulfill(status=200, content_type="text/javascript", body=standin)
        else:
            strays.append(url)
            r.abort()

    page.route("**/*", route)
    encodings = {}  # the bundle's files as Chromium got them: {path: Content-Encoding}

    def answered(response):
        path = response.url.removeprefix(origin)
        if path.startswith(harness.BASE_URL + "/"):
            encodings[path] = response.headers.get("content-encoding")

    page.on("response", answered)
    page.on("console", lambda m: console.append((m.type, m.text)))
    page.on("pageerror", lambda e: console.append(("pageerror", str(e))))
    page.set_default_timeout(60_000)
    page.goto(origin + "/")
    # Polled from outside: the docs' policy refuses strings evaluated in the page.
    for _ in range(600):
        if page.evaluate("(window.__heapCalls || []).some(c => c[0] === 'track')"):
            break
        page.wait_for_timeout(100)
    return page.evaluate("window.__heapCalls || []"), console, strays, encodings


@pytest.mark.parametrize(
    ("server", "https"), CASES, ids=["nginx", "caddy", "apache", "nginx-https"]
)
def test_heap_gets_the_events_through_the_docs_block(server, https, site, page):
    why = harness.missing(server)
    if why:
        pytest.skip(why)
    tls = harness.tls() if https else None
    with harness.Running(server, harness.doc_blocks()[server], site, tls) as running:
        calls, console, strays, encodings = visit(page, running.origin)
        secure = page.evaluate("window.isSecureContext")
    ours = [text for kind, text in console if "heap-device" in text and kind != "info"]
    assert ["identify", ["user-behind-a-real-server"]] in calls, (console, strays)
    assert ["track", ["Served By A Real Server", {"n": 1}]] in calls
    assert ours == [] and strays == []
    assert [kind for kind, _ in console if kind == "pageerror"] == []
    assert secure
    # Every file the build loads (the manifest's, less their .br/.gz copies: entry, runtime
    # module, .wasm) came as its .br copy and Chromium decoded it.
    manifest = json.loads((site / "heap" / "heap-device.files.json").read_text(encoding="utf-8"))
    loaded = [name for name in manifest["files"] if not name.endswith((".br", ".gz", ".html"))]
    assert len(encodings) == len(loaded) and set(encodings.values()) == {"br"}, encodings
