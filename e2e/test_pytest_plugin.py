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
        from heap_device.tools.testing import subset


        def test_checkout_reaches_heap(page, shop, heap_calls):
            page.goto(shop + "/shop.html")
            page.click("#pay")
            order = heap_calls.wait_for("track", "Order Completed", subset({"total": 42.5}))
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
            "E * The nearest is call 2; what differs:",
            'E *   argument 2[[]"total"]: 42.5 received, 40 wanted',
            'E *   argument 2: has "currency" besides the keys given, and a dict is compared '
            "exactly: wrap it in subset({...}) (heap_device.tools.testing) or pass partial=True "
            "to accept more keys",
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


# RudderStack's v3 loading snippet as its docs give it to a site (the official one's steps,
# written out here): a stub array that buffers the page's calls, the modern or legacy build picked
# by a feature test, rsa.min.js added from RudderStack's CDN, and load() with the site's production
# write key and data plane. Nothing in it points at a test server.
OFFICIAL_SNIPPET = """<script>
(function () {
  'use strict';
  window.RudderSnippetVersion = '3.0.60';
  var identifier = 'rudderanalytics';
  if (!window[identifier]) window[identifier] = [];
  var rudderanalytics = window[identifier];
  if (!Array.isArray(rudderanalytics)) return;
  if (rudderanalytics.snippetExecuted === true && window.console && console.error) {
    console.error('RudderStack JavaScript SDK snippet included more than once.');
    return;
  }
  rudderanalytics.snippetExecuted = true;
  window.rudderAnalyticsBuildType = 'legacy';
  var sdkBaseUrl = 'https://cdn.rudderlabs.com';
  var sdkVersion = 'v3';
  var sdkFileName = 'rsa.min.js';
  var methods = ['setDefaultInstanceKey', 'load', 'ready', 'page', 'track', 'identify', 'alias',
    'group', 'reset', 'setAnonymousId', 'startSession', 'endSession', 'consent',
    'addCustomIntegration'];
  for (var i = 0; i < methods.length; i++) {
    rudderanalytics[methods[i]] = (function (method) {
      return function () {
        if (Array.isArray(window[identifier])) {
          rudderanalytics.push([method].concat(Array.prototype.slice.call(arguments)));
        } else if (window[identifier][method]) {
          window[identifier][method].apply(window[identifier], arguments);
        }
      };
    })(methods[i]);
  }
  try {
    new Function('return import("")');
    window.rudderAnalyticsBuildType = 'modern';
  } catch (e) {}
  var head = document.head || document.getElementsByTagName('head')[0];
  window.rudderAnalyticsAddScript = function (url, key, value) {
    var script = document.createElement('script');
    script.src = url;
    script.setAttribute('data-loader', 'RS_JS_SDK');
    if (key && value) script.setAttribute(key, value);
    script.async = true;
    head.insertBefore(script, head.firstChild);
  };
  window.rudderAnalyticsMount = function () {
    window.rudderAnalyticsAddScript(
      sdkBaseUrl + '/' + sdkVersion + '/' + window.rudderAnalyticsBuildType + '/' + sdkFileName,
      'data-rsa-write-key', '2bEsvPzSgeJwyoLYuxSvk3iXKyF');
  };
  window.rudderAnalyticsMount();
  var loadOptions = {};
  rudderanalytics.load('2bEsvPzSgeJwyoLYuxSvk3iXKyF', 'https://shopxyz.dataplane.rudderstack.com',
    loadOptions);
})();
</script>"""
# The npm form of the same SDK v3: the site's own bundle carries the SDK (here its UMD file) and
# loads it with the write key and data plane; the SDK asks RudderStack's API for the config.
NPM_LOAD = """<script src="/rudderstack.js"></script>
<script>
var analytics = new rudderanalytics.RudderAnalytics();
analytics.load('2bEsvPzSgeJwyoLYuxSvk3iXKyF', 'https://shopxyz.dataplane.rudderstack.com');
</script>"""
# The v1.1 SDK (rudder-sdk-js 2.x) from the site's own bundle: a ready-made instance.
NPM_V1_LOAD = """<script src="/rudder-v1.js"></script>
<script>
rudderanalytics.load('2bEsvPzSgeJwyoLYuxSvk3iXKyF', 'https://shopxyz.dataplane.rudderstack.com');
</script>"""
SHOP_CALLS = """<script>
rudderanalytics.identify('shopper-9', {plan: 'pro'});
</script></head><body>
<button id="pay" onclick="rudderanalytics.track('Order Completed', {total: 42.5, currency: 'EUR'})">
Pay</button>
</body></html>
"""
HEAD = '<!doctype html><html><head><meta charset="utf-8"><link rel="icon" href="data:,">\n'

OFFLINE_TESTS = """
import pytest

from heap_device.tools.testing import subset


def test_the_official_snippet_on_the_heap_io_destination(page, shop, rudderstack, heap_calls):
    page.goto(shop + "/snippet.html")
    page.click("#pay")
    heap_calls.wait_for("track", "Order Completed", subset({"total": 42.5}), timeout=30_000)
    assert heap_calls.calls[:2] == [
        ["identify", "shopper-9"], ["addUserProperties", {"plan": "pro"}]
    ]
    sent = rudderstack.wait_for("track", "Order Completed", {"total": 42.5}, partial=True)
    assert sent["properties"] == {"total": 42.5, "currency": "EUR"}
    assert rudderstack.wait_for("identify")["userId"] == "shopper-9"
    asked = [url.split("?")[0] for method, url in rudderstack.requests if method == "GET"]
    assert asked == [
        "https://cdn.rudderlabs.com/v3/modern/rsa.min.js",
        "https://api.rudderstack.com/sourceConfig/",
    ]
    assert {url for method, url in rudderstack.requests if method == "POST"} <= {
        "https://shopxyz.dataplane.rudderstack.com/v1/identify",
        "https://shopxyz.dataplane.rudderstack.com/v1/track",
        "https://shopxyz.dataplane.rudderstack.com/v1/page",
    }
    assert rudderstack.unanswered == []


def test_the_npm_form(page, shop, rudderstack, heap_calls):
    page.goto(shop + "/npm.html")
    page.click("#pay")
    heap_calls.wait_for("track", "Order Completed", partial=True, timeout=30_000)
    rudderstack.wait_for("track", "Order Completed")


def test_the_v1_1_npm_form(page, shop, rudderstack, heap_calls):
    page.goto(shop + "/npm-v1.html")
    page.click("#pay")
    heap_calls.wait_for("track", "Order Completed", partial=True, timeout=30_000)
    rudderstack.wait_for("track", "Order Completed", timeout=30_000)
    assert rudderstack.unanswered == []


def test_a_subset_that_does_not_match(page, shop, rudderstack, heap_calls):
    page.goto(shop + "/snippet.html")
    page.click("#pay")
    heap_calls.wait_for("track", "Order Completed", timeout=30_000)
    heap_calls.wait_for("track", "Order Completed", subset({"total": 40}), timeout=300)
"""

CUSTOM_CONFTEST = """
import pytest

from heap_device.tools.testing import custom_device_mode_destination, source_config


@pytest.fixture
def rudderstack_source_config():
    return source_config(custom_device_mode_destination("heap-device"))
"""
CUSTOM_TESTS = """
def test_a_custom_device_mode_destination(page, shop, rudderstack, heap_calls):
    page.goto(shop + "/custom.html")
    page.click("#pay")
    heap_calls.wait_for("track", "Order Completed", {"total": 42.5, "currency": "EUR"},
                        timeout=30_000)
"""
TRANSFORMED_CONFTEST = """
import pytest

from heap_device.tools.testing import heap_destination, source_config


@pytest.fixture
def rudderstack_source_config():
    return source_config(heap_destination("1234567890", transformation=True))


@pytest.fixture
def rudderstack_transformation():
    def transformEvent(event, metadata):
        if event.get("event") == "Order Completed":
            event["event"] = "Purchase"
        return event

    return transformEvent
"""
TRANSFORMED_TESTS = """
def test_rudderstacks_device_mode_transformation(page, shop, rudderstack, heap_calls):
    page.goto(shop + "/snippet.html")
    page.click("#pay")
    heap_calls.wait_for("track", "Purchase", {"total": 42.5}, partial=True, timeout=30_000)
    asked = [body["batch"][0]["event"].get("event") for body in rudderstack.transform_requests]
    assert "Order Completed" in asked
"""


def test_a_site_on_rudderstacks_official_snippet_offline(pytester):
    """The official loading snippet, unchanged, reaches Heap in CI with no account and no network:
    its SDK, source config and data plane answered by the rudderstack fixture; the "Heap.io"
    destination, the npm forms (v3 and v1.1), a Custom Device Mode destination, RudderStack's
    Device Mode Transformations; and a subset that does not match fails saying what differs.
    One browser."""
    site = pytester.path / "site"
    cmd = [sys.executable, "-m", "heap_device.tools.cli", "build", "--out", str(site / "heap")]
    built = subprocess.run(
        [*cmd, "--base-url", "/heap"], check=True, capture_output=True, text=True, cwd=REPO
    )
    tag = built.stdout.strip()
    custom = subprocess.run(
        [sys.executable, "-m", "heap_device.tools.cli", "snippet", "--from", str(site / "heap")]
        + ["--options", json.dumps({"appId": APP_ID})],
        check=True,
        capture_output=True,
        text=True,
        cwd=REPO,
    ).stdout.strip()
    custom = custom.replace("<script ", '<script data-destination-id="heap-device" ', 1)
    shutil.copyfile(SDKS["v3"], site / "rudderstack.js")
    shutil.copyfile(SDKS["v1"], site / "rudder-v1.js")
    pages = {
        "snippet.html": HEAD + tag + OFFICIAL_SNIPPET + SHOP_CALLS,
        "npm.html": HEAD + tag + NPM_LOAD + SHOP_CALLS,
        "npm-v1.html": HEAD + tag + NPM_V1_LOAD + SHOP_CALLS,
        "custom.html": HEAD + custom + OFFICIAL_SNIPPET + SHOP_CALLS,
    }
    for name, text in pages.items():
        (site / name).write_text(text, encoding="utf-8")
    pytester.makeconftest(CONFTEST)
    pytester.makepyfile(test_offline=OFFLINE_TESTS)
    for folder, conftest, tests in [
        ("custom", CUSTOM_CONFTEST, CUSTOM_TESTS),
        ("transformed", TRANSFORMED_CONFTEST, TRANSFORMED_TESTS),
    ]:
        package = pytester.mkpydir(folder)
        (package / "conftest.py").write_text(conftest, encoding="utf-8")
        (package / ("test_%s.py" % folder)).write_text(tests, encoding="utf-8")
    result = run(pytester)
    result.assert_outcomes(passed=5, failed=1)
    result.stdout.fnmatch_lines(
        [
            "*test_a_subset_that_does_not_match*",
            'E * AssertionError: Heap received no track("Order Completed", subset({"total": 40}),'
            " ...) within 300 ms.",
            "E * The nearest is call *; what differs:",
            'E *   argument 2[[]"total"]: 42.5 received, 40 wanted',
        ]
    )
