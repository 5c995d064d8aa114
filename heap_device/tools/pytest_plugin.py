"""A pytest plugin for site owners: assert in your CI what Heap received, in a real browser.

``pip install 'heap-device[testing]'`` installs it with pytest-playwright, and pytest loads it by
itself (the ``pytest11`` entry point). Ask for ``heap_calls`` beside pytest-playwright's ``page``::

    def test_checkout(page, heap_calls):
        page.goto("https://staging.shop.example/checkout")
        page.click("text=Pay")
        heap_calls.wait_for("track", "Order Completed")

Before the test runs, every request of that page for Heap's script (Heap's own snippet, classic or
v5, RudderStack's Heap integration, heap-device, any host) is answered by heap-device's Heap
stand-in, which records each call and sends nothing to Heap. A site that loads Heap from a URL of
its own (the ``scriptUrl`` setting) names it with ``@pytest.mark.heap_script_url(url)`` or by
overriding the ``heap_script_urls`` fixture in its conftest.py. docs/testing.md has the rest.
"""

import json
import time

import pytest

from heap_device.tools.server import HEAP_SCRIPT, STANDIN

DEFAULT_TIMEOUT_MS = 10_000
BINDING = "__heapDeviceTestingCall"
# Runs before the stand-in: every call the stand-in records (it pushes each one, JSON-cloned, on
# window.__heapCalls) also goes to Python as JSON text, so calls survive the page navigating away
# and keys Playwright's own serialiser drops (an own "__proto__") arrive as the page had them.
FORWARDER = """(function () {
  var calls = (window.__heapCalls = window.__heapCalls || []);
  if (calls.__heapDeviceTesting || typeof window.%s !== 'function') return;
  var send = window.%s;
  Object.defineProperty(calls, '__heapDeviceTesting', { value: true });
  calls.push = function () {
    for (var i = 0; i < arguments.length; i++) send(JSON.stringify(arguments[i]));
    return Array.prototype.push.apply(this, arguments);
  };
})();
""" % (BINDING, BINDING)


def pytest_configure(config):
    config.addinivalue_line(
        "markers",
        "heap_script_url(url, ...): more URLs (or glob patterns, or re.compile() patterns) your "
        "site loads Heap's script from; heap_calls answers them with the Heap stand-in too",
    )


class HeapCalls:
    """What Heap received on one page: ``calls`` (oldest first) and ``wait_for``."""

    def __init__(self, page, script_urls=()):
        self.page = page
        self.script_urls = list(script_urls)
        self.requests = []  # the Heap script URLs the page asked for (answered by the stand-in)
        self.failed_scripts = []  # scripts the page could not load (a Heap URL not named?)
        self._calls = []
        self._body = FORWARDER + STANDIN.read_text(encoding="utf-8")

    def start(self):
        """Route Heap's script URLs to the stand-in; call before the page navigates."""
        self.page.expose_binding(BINDING, self._record)
        self.page.on("requestfailed", self._failed)
        self.page.route(lambda url: bool(HEAP_SCRIPT.match(url)), self._answer)
        for pattern in self.script_urls:
            self.page.route(pattern, self._answer)

    def _record(self, source, text):
        call = json.loads(text)  # the stand-in records [method, [args]]
        self._calls.append([call[0], *call[1]])

    def _failed(self, request):
        if request.resource_type == "script":
            self.failed_scripts.append(request.url)

    def _answer(self, route):
        self.requests.append(route.request.url)
        route.fulfill(status=200, content_type="text/javascript", body=self._body)

    def _sync(self):
        """Let calls the page already made reach Python (they travel as events)."""
        if self.page.is_closed():
            return
        try:
            self.page.evaluate("0")
        except Exception:  # the page is navigating: what was sent before is in already
            pass

    @property
    def calls(self):
        """Every call Heap received so far, as ``[method, *args]`` lists of JSON values."""
        self._sync()
        return [list(call) for call in self._calls]

    def wait_for(self, name, *args, timeout=DEFAULT_TIMEOUT_MS):
        """Wait for a call ``name(*args, ...)`` (``args``: its first arguments) and return it.

        ``timeout`` is in milliseconds, as in Playwright. Fails listing the calls Heap did get.
        """
        __tracebackhide__ = True  # the failure points at the test's line, not at ours
        wanted = [name, *args]
        deadline = time.monotonic() + timeout / 1000
        pause = 20
        while True:
            for call in self.calls:
                if call[: len(wanted)] == wanted:
                    return call
            left = deadline - time.monotonic()
            if left <= 0 or self.page.is_closed():
                break
            self.page.wait_for_timeout(min(pause, left * 1000))
            pause = min(pause * 2, 250)
        raise AssertionError(self._missing(wanted, timeout))

    def _missing(self, wanted, timeout):
        shown = "%s(%s)" % (wanted[0], ", ".join([_json(a) for a in wanted[1:]] + ["..."]))
        lines = ["Heap received no %s within %d ms." % (shown, timeout)]
        calls = self.calls
        if calls:
            lines.append("It received %d call%s:" % (len(calls), "" if len(calls) == 1 else "s"))
            lines += ["  %d. %s" % (n, _json(call)) for n, call in enumerate(calls, 1)]
        elif self.requests:
            lines.append("Heap's script was loaded (%s) but received no calls." % self.requests[0])
        else:
            named = "".join(" and %s" % _shown(p) for p in self.script_urls)
            lines += [
                "heap_calls answered no request for Heap's script on this page. It answers",
                "https://<host>/config/<id>/heap_config.js and https://<host>/js/heap-<id>.js%s."
                % named,
                "If your site loads Heap from another URL, name it with",
                '@pytest.mark.heap_script_url("<url>") or the heap_script_urls fixture.',
            ]
            if self.failed_scripts:
                lines.append("Scripts the page could not load: %s" % ", ".join(self.failed_scripts))
        return "\n".join(lines)

    def __repr__(self):
        return "<HeapCalls %d calls>" % len(self._calls)


def _shown(pattern):
    return getattr(pattern, "pattern", pattern)  # a compiled regular expression: its text


def _json(value):
    return json.dumps(value, ensure_ascii=False)


@pytest.fixture
def heap_script_urls(request):
    """More URLs of Heap's script (``scriptUrl``): the test's ``heap_script_url`` markers.

    Override it in conftest.py to name them once for a whole suite.
    """
    return [url for marker in request.node.iter_markers("heap_script_url") for url in marker.args]


@pytest.fixture
def heap_calls(page, heap_script_urls):
    """What Heap received on pytest-playwright's ``page``; Heap's script there is the stand-in."""
    recorder = HeapCalls(page, heap_script_urls)
    recorder.start()
    return recorder


@pytest.fixture
def heap_try():
    """``heap-device try`` from a test, no browser: what Heap gets for one message::

        def test_no_email_reaches_heap(heap_try):
            message = {"type": "track", "event": "Signed Up", "properties": {"email": "a@b.c"}}
            got = heap_try(message, transform="rules/mask_email.py")
            assert got["calls"] == [["track", ["Signed Up", {"email": "***"}]]]

    ``heap_try(message, options=None, transform=None, destination_id=None)`` returns
    ``{"message", "filled", "transform", "calls", "notes"}``; a short message is filled in as
    the SDK would. It raises ``TryError`` where the command exits 1.
    """
    from heap_device.tools import trial  # the core on CPython: only when a test asks

    return trial.run
