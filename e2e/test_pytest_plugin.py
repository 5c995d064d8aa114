"""The pytest plugin (heap_calls) used as a site owner would: their own project, run by pytest.

Each test writes a small project with pytester: a local shop site that loads Heap (with Heap's own
loader, no heap-device, no RudderStack; or through RudderStack's SDK and heap-device), a
conftest.py that serves it from 127.0.0.1, and the owner's tests, some of which fail on purpose to
show the message. The project finds the plugin through its ``pytest11`` entry point, as an
installed heap-device[testing] gives it.
"""

import json
import shutil
import subprocess
import sys

from e2e.conftest import REPO, SDKS

pytest_plugins = ["pytester"]

APP_ID = "1234567890"

# What the owner writes: a server for the site, and Chromium (Playwright's own when installed,
# else Debian's) kept from any host but 127.0.0.1: Heap's CDN must be answered by heap_calls.
CONFTEST = """
import threading
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

SYSTEM_CHROMIUM = Path("/usr/bin/chromium")


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args, playwright):
    args = {**browser_type_launch_args,
            "args": ["--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1"]}
    if not Path(playwright.chromium.executable_path).exists() and SYSTEM_CHROMIUM.exists():
        args["executable_path"] = str(SYSTEM_CHROMIUM)
    return args


class Quiet(SimpleHTTPRequestHandler):
    extensions_map = {**SimpleHTTPRequestHandler.extensions_map,
                      ".mjs": "text/javascript", ".wasm": "application/wasm"}

    def log_message(self, *args):
        pass


@pytest.fixture(scope="session")
def shop():
    folder = Path(__file__).parent / "site"
    server = ThreadingHTTPServer(("127.0.0.1", 0), partial(Quiet, directory=str(folder)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield "http://127.0.0.1:%d" % server.server_address[1]
    server.shutdown()
    server.server_close()
"""


def v5_loader(script_url):
    """Heap's v5 snippet, reduced: calls wait in heapReadyCb until heap.js replays them."""
    return """window.heapReadyCb = window.heapReadyCb || [];
window.heap = window.heap || [];
heap.load = function (envId, clientConfig) {
  heap.envId = envId;
  heap.clientConfig = clientConfig || {};
  var script = document.createElement('script');
  script.async = true;
  script.src = %s.replace('ID', envId);
  document.head.appendChild(script);
  ['identify', 'track', 'addUserProperties', 'addEventProperties', 'resetIdentity', 'onReady',
    'getUserId'].forEach(
    function (name) {
      heap[name] = function () {
        var args = Array.prototype.slice.call(arguments);
        heapReadyCb.push({ name: name, fn: function () { heap[name].apply(heap, args); } });
      };
    });
};
heap.load(%s);
""" % (json.dumps(script_url), json.dumps(APP_ID))


def classic_loader(script_url):
    """Heap's classic snippet, reduced: calls wait in the heap array until heap.js replays them."""
    return """window.heap = window.heap || [];
heap.load = function (appid, config) {
  heap.appid = appid;
  heap.config = config || {};
  var script = document.createElement('script');
  script.async = true;
  script.src = %s.replace('ID', appid);
  document.head.appendChild(script);
  ['identify', 'track', 'addUserProperties', 'addEventProperties', 'resetIdentity'].forEach(
    function (name) {
      heap[name] = function () { heap.push([name].concat(Array.prototype.slice.call(arguments))); };
    });
};
heap.load(%s);
""" % (json.dumps(script_url), json.dumps(APP_ID))


def html_page(loader, body, script=""):
    head = '<!doctype html><html><head><meta charset="utf-8"><link rel="icon" href="data:,">'
    if loader:
        head += "<script>%s</script>" % loader
    if script:
        head += "<script>%s</script>" % script
    return head + "</head><body>%s</body></html>\n" % body


def write_site(pytester, pages):
    site = pytester.path / "site"
    site.mkdir()
    for name, text in pages.items():
        (site / name).write_text(text, encoding="utf-8")
    pytester.makeconftest(CONFTEST)


def run(pytester):
    return pytester.runpytest_subprocess("-p", "no:cacheprovider", "-q")


# A site that waits for Heap and reads from it (v5's onReady and getUserId).
READY_SCRIPT = (
    "heap.onReady(function () { heap.track('Heap Ready', {user: typeof heap.getUserId()}); });"
)
V5_CDN = "https://cdn.us.heap-api.com/config/ID/heap_config.js"


def test_a_checkout_on_a_site_with_heaps_v5_snippet(pytester):
    loader = v5_loader(V5_CDN)
    pay = (
        "heap.track('Order Completed', {total: 42.5, currency: 'EUR'});"
        "location.href = 'thanks.html';"
    )
    coupon = """heap.track('Coupon Applied', JSON.parse('{"__proto__": "SAVE10"}'));"""
    write_site(
        pytester,
        {
            "shop.html": html_page(
                loader,
                '<button id="pay" onclick="%s">Pay</button>'
                '<button id="coupon" onclick="%s">Coupon</button>'
                % (pay, coupon.replace('"', "&quot;")),
                "heap.identify('shopper-1');",
            ),
            "thanks.html": html_page(loader, "Thanks!", "heap.track('Thanks Viewed');"),
            "ready.html": html_page(loader, "", READY_SCRIPT),
        },
    )
    pytester.makepyfile(
        test_checkout="""
        def test_checkout_reaches_heap(page, shop, heap_calls):
            page.goto(shop + "/shop.html")
            page.click("#pay")
            order = heap_calls.wait_for("track", "Order Completed")
            assert order == ["track", "Order Completed", {"total": 42.5, "currency": "EUR"}]
            heap_calls.wait_for("track", "Thanks Viewed")  # on the page the click went to
            assert heap_calls.calls == [
                ["identify", "shopper-1"],
                ["track", "Order Completed", {"total": 42.5, "currency": "EUR"}],
                ["track", "Thanks Viewed"],
            ]
            assert heap_calls.requests == [
                "https://cdn.us.heap-api.com/config/1234567890/heap_config.js"
            ] * 2


        def test_a_key_named_proto_arrives(page, shop, heap_calls):
            page.goto(shop + "/shop.html")
            page.click("#coupon")
            coupon = heap_calls.wait_for("track", "Coupon Applied")
            assert coupon == ["track", "Coupon Applied", {"__proto__": "SAVE10"}]


        def test_a_page_using_heaps_readers_and_on_ready(page, shop, heap_calls):
            page.goto(shop + "/ready.html")
            ready = heap_calls.wait_for("track", "Heap Ready")
            assert ready == ["track", "Heap Ready", {"user": "string"}]


        def test_the_wrong_total_fails(page, shop, heap_calls):
            page.goto(shop + "/shop.html")
            page.click("#pay")
            heap_calls.wait_for("track", "Order Completed")
            heap_calls.wait_for("track", "Order Completed", {"total": 40}, timeout=300)
        """
    )
    result = run(pytester)
    result.assert_outcomes(passed=3, failed=1)
    result.stdout.fnmatch_lines(
        [
            "*test_the_wrong_total_fails*",
            'E * AssertionError: Heap received no track("Order Completed", {"total": 40}, ...)'
            " within 300 ms.",
            "E * It received * calls:",
            'E *   1. [[]"identify", "shopper-1"]',  # [[] is fnmatch's literal [
            'E *   2. [[]"track", "Order Completed", {"total": 42.5, "currency": "EUR"}]',
        ]
    )


def test_sites_with_heaps_classic_snippet_and_their_own_script_urls(pytester):
    signup = (
        "<button id=\"signup\" onclick=\"heap.track('Signed Up', {plan: 'pro'})\">Join</button>"
    )
    own_url = "https://assets.shop.test/vendor/heap-7.js"
    write_site(
        pytester,
        {
            "classic.html": html_page(
                classic_loader("https://cdn.heapanalytics.com/js/heap-ID.js"),
                signup,
                "heap.identify('fan@example.com');",
            ),
            "hostname-classic.html": html_page(
                classic_loader("https://heap.shop.test/js/heap-ID.js"), signup
            ),
            "hostname-v5.html": html_page(
                v5_loader("https://heap.shop.test/config/ID/heap_config.js"), signup
            ),
            "own-url.html": html_page(classic_loader(own_url), signup),
        },
    )
    pytester.makepyfile(
        test_signup="""
        import pytest


        def test_classic_cdn(page, shop, heap_calls):
            page.goto(shop + "/classic.html")
            page.click("#signup")
            signed_up = heap_calls.wait_for("track", "Signed Up")
            assert signed_up == ["track", "Signed Up", {"plan": "pro"}]
            assert heap_calls.calls == [
                ["identify", "fan@example.com"],
                ["track", "Signed Up", {"plan": "pro"}],
            ]
            assert heap_calls.requests == ["https://cdn.heapanalytics.com/js/heap-1234567890.js"]


        @pytest.mark.parametrize("name", ["hostname-classic", "hostname-v5"])
        def test_heap_on_the_sites_own_host(page, shop, heap_calls, name):
            page.goto(shop + "/%s.html" % name)
            page.click("#signup")
            assert heap_calls.wait_for("track", "Signed Up", {"plan": "pro"})
            assert heap_calls.requests[0].startswith("https://heap.shop.test/")


        @pytest.mark.heap_script_url("https://assets.shop.test/vendor/heap-7.js")
        def test_a_script_url_named_by_a_marker(page, shop, heap_calls):
            page.goto(shop + "/own-url.html")
            page.click("#signup")
            heap_calls.wait_for("track", "Signed Up")


        def test_a_script_url_nobody_named_fails(page, shop, heap_calls):
            page.goto(shop + "/own-url.html")
            page.click("#signup")
            heap_calls.wait_for("track", "Signed Up", timeout=300)
        """
    )
    suite = pytester.mkpydir("suite")
    (suite / "conftest.py").write_text(
        "import re\n\nimport pytest\n\n\n"
        "@pytest.fixture\n"
        "def heap_script_urls():\n"
        '    return [re.compile(r"^https://assets\\.shop\\.test/vendor/heap-\\d+\\.js$")]\n',
        encoding="utf-8",
    )
    (suite / "test_suite.py").write_text(
        "def test_a_script_url_named_for_the_suite(page, shop, heap_calls):\n"
        '    page.goto(shop + "/own-url.html")\n'
        '    page.click("#signup")\n'
        '    heap_calls.wait_for("track", "Signed Up")\n',
        encoding="utf-8",
    )
    result = run(pytester)
    result.assert_outcomes(passed=5, failed=1)
    result.stdout.fnmatch_lines(
        [
            "*test_a_script_url_nobody_named_fails*",
            'E * AssertionError: Heap received no track("Signed Up", ...) within 300 ms.',
            "E * heap_calls answered no request for Heap's script on this page. It answers",
            "E * https://<host>/config/<id>/heap_config.js and https://<host>/js/heap-<id>.js.",
            "E * If your site loads Heap from another URL, name it with",
            'E * @pytest.mark.heap_script_url("<url>") or the heap_script_urls fixture.',
            "E * Scripts the page could not load: https://assets.shop.test/vendor/heap-7.js",
        ]
    )


RUDDERSTACK_PAGE = """<!doctype html><html><head><meta charset="utf-8">
<link rel="icon" href="data:,">
%s
<script src="/rudderstack.js"></script>
<script>
var analytics = new rudderanalytics.RudderAnalytics();
analytics.load('write-key', location.origin, {
  getSourceConfig: function () { return {source: {id: 's', workspaceId: 'w', enabled: true,
    config: {}, destinations: [{id: 'h', enabled: true, config: {appId: '1234567890'},
    destinationDefinition: {name: 'HEAP', displayName: 'Heap.io'}}]}}; },
  destSDKBaseURL: location.origin + '/no-integrations', polyfillIfRequired: false});
rudderanalytics.identify('shopper-9', {plan: 'pro'});
</script></head>
<body>
<button id="pay" onclick="rudderanalytics.track('Order Completed', {total: 42.5})">Pay</button>
</body></html>
"""


def test_a_site_on_rudderstack_and_heap_device(pytester):
    site = pytester.path / "site"
    cmd = [sys.executable, "-m", "heap_device.tools.cli", "build", "--out", str(site / "heap")]
    built = subprocess.run(
        [*cmd, "--base-url", "/heap"], check=True, capture_output=True, text=True, cwd=REPO
    )
    shutil.copyfile(SDKS["v3"], site / "rudderstack.js")
    (site / "shop.html").write_text(RUDDERSTACK_PAGE % built.stdout.strip(), encoding="utf-8")
    pytester.makeconftest(CONFTEST)
    pytester.makepyfile(
        test_checkout="""
        def test_checkout_reaches_heap(page, shop, heap_calls):
            page.goto(shop + "/shop.html")
            page.click("#pay")
            order = heap_calls.wait_for("track", "Order Completed", timeout=30_000)
            assert order == ["track", "Order Completed", {"total": 42.5}]
            assert heap_calls.calls[:2] == [
                ["identify", "shopper-9"],
                ["addUserProperties", {"plan": "pro"}],
            ]
        """
    )
    run(pytester).assert_outcomes(passed=1)
