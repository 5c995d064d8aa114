"""What a site's tests use to check its tracking: the pytest fixtures' helpers, matchers, TryError.

The pytest plugin (``heap_device.tools.pytest_plugin``, loaded by pytest by itself) defines the
fixtures; what they give lives here, so a test can name it::

    from heap_device.tools.testing import subset

    def test_checkout(page, heap_calls):
        page.goto("http://localhost:8000/checkout")
        page.click("text=Pay")
        heap_calls.wait_for("track", "Purchase", subset({"total": 32.5}))

- ``HeapCalls`` (the ``heap_calls`` fixture): what Heap's script received on the page.
- ``OfflineRudderStack`` (the ``rudderstack`` fixture): RudderStack answered on the page, with no
  account and no network: its SDK at RudderStack's CDN URLs (the official v3 and v1.1 snippets'),
  the source config at ``/sourceConfig``, and a data plane that records what it is sent.
- ``source_config``, ``heap_destination``, ``custom_device_mode_destination``: the source config
  it answers (override the ``rudderstack_source_config`` fixture with them).
- ``subset(mapping)``: matches a dict holding at least these keys with these values.
- ``TryError``: what ``heap_try`` raises where ``heap-device try`` exits 1.

Importing this module imports no other part of heap-device; each part is read when first used.
docs/testing.md has the whole story.
"""

import copy
import json
import re
import time

DEFAULT_TIMEOUT_MS = 10_000


def __getattr__(name):
    if name == "TryError":  # read from the tool that raises it, only when a test names it
        from heap_device.tools.trial import TryError

        return TryError
    raise AttributeError("module %r has no attribute %r" % (__name__, name))


# ---------------------------------------------------------------- matching


class subset:  # noqa: N801 (a matcher reads as a function call: subset({...}))
    """Matches a dict that has at least these keys with these values (more keys are accepted).

    Values are compared exactly, nested dicts too, unless they are matchers themselves:
    ``subset({"cart": subset({"id": 7})})``. Usable anywhere a value is compared:
    ``heap_calls.wait_for("track", "Purchase", subset({"total": 32.5}))``, or
    ``assert call == ["track", "Purchase", subset({"total": 32.5})]``.
    """

    def __init__(self, mapping):
        if not isinstance(mapping, dict):
            raise TypeError(
                'subset() takes a dict of the keys to match, such as subset({"total": 32.5}); '
                "got %s" % type(mapping).__name__
            )
        self.mapping = mapping

    def matches(self, value):
        return isinstance(value, dict) and all(
            key in value and matches(want, value[key]) for key, want in self.mapping.items()
        )

    def __eq__(self, other):
        return self.matches(other)

    def __ne__(self, other):
        return not self.matches(other)

    __hash__ = None

    def __repr__(self):
        return "subset(%s)" % shown(self.mapping)


def matches(want, got):
    """True when ``got`` (JSON values) is what ``want`` describes: equal, or matched by a matcher.

    Unlike Python's ``==``, ``true`` is not ``1`` and ``1`` is not ``"1"``: JSON's kinds count.
    """
    if isinstance(want, subset):
        return want.matches(got)
    if isinstance(want, dict):
        return (
            isinstance(got, dict)
            and want.keys() == got.keys()
            and all(matches(value, got[key]) for key, value in want.items())
        )
    if isinstance(want, list | tuple):
        return (
            isinstance(got, list | tuple)
            and len(want) == len(got)
            and all(matches(w, g) for w, g in zip(want, got))
        )
    if isinstance(want, bool) or isinstance(got, bool):
        return isinstance(want, bool) and isinstance(got, bool) and want == got
    if isinstance(want, int | float) and isinstance(got, int | float):
        return want == got  # JSON has one kind of number: 2 and 2.0 are the same
    return type(want) is type(got) and want == got


def differences(want, got, where=""):
    """What keeps ``got`` from matching ``want``, as lines a person reads (empty: it matches)."""
    if isinstance(want, subset | dict) and isinstance(got, dict):
        mapping = want.mapping if isinstance(want, subset) else want
        lines = []
        for key, value in mapping.items():
            here = "%s[%s]" % (where, shown(key))
            if key not in got:
                lines.append("%s: missing (wanted %s)" % (here, shown(value)))
            else:
                lines += differences(value, got[key], here)
        extra = [key for key in got if key not in mapping]
        if extra and not isinstance(want, subset):
            lines.append(
                "%s: has %s besides the keys given, and a dict is compared exactly: wrap it in "
                "subset({...}) (heap_device.tools.testing) or pass partial=True to accept more keys"
                % (where or "the value", ", ".join(shown(key) for key in extra))
            )
        return lines
    if isinstance(want, list | tuple) and isinstance(got, list | tuple) and len(want) == len(got):
        lines = []
        for n, (w, g) in enumerate(zip(want, got)):
            lines += differences(w, g, "%s[%d]" % (where, n))
        return lines
    if matches(want, got):
        return []
    return ["%s: %s received, %s wanted" % (where or "the value", shown(got), shown(want))]


def shown(value):
    """A value as JSON text (a matcher as its call)."""
    if isinstance(value, subset):
        return repr(value)
    if isinstance(value, dict):
        return "{%s}" % ", ".join("%s: %s" % (shown(k), shown(v)) for k, v in value.items())
    if isinstance(value, list | tuple):
        return "[%s]" % ", ".join(shown(v) for v in value)
    return json.dumps(value, ensure_ascii=False)


def _argument_differences(wanted, got):
    if len(got) < len(wanted):
        return [
            "it has %d argument%s, %d given" % (len(got), "" if len(got) == 1 else "s", len(wanted))
        ]
    lines = []
    for n, (want, value) in enumerate(zip(wanted, got), 1):
        lines += differences(want, value, "argument %d" % n)
    return lines


def _partial(value):
    return subset(value) if isinstance(value, dict) else value


def nearest(wanted, calls):
    """(number, call) of the call closest to ``wanted``, or None: same method, same first argument,
    then fewest differences."""
    best = None
    for n, call in enumerate(calls, 1):
        if not call or call[0] != wanted[0]:
            continue
        got = call[1 : len(wanted)]
        size = len(differences(list(wanted[1:]), got)) if len(got) == len(wanted) - 1 else 99
        score = (not (len(wanted) < 2 or (len(call) > 1 and matches(wanted[1], call[1]))), size)
        if best is None or score < best[0]:
            best = (score, n, call)
    return None if best is None else best[1:]


# ---------------------------------------------------------------- what Heap received

HEAP_BINDING = "__heapDeviceTestingCall"
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
""" % (HEAP_BINDING, HEAP_BINDING)


def _sync(page):
    """Let what the page already sent reach Python (bindings and routes travel as events)."""
    if page.is_closed():
        return
    try:
        page.evaluate("0")
    except Exception:  # the page is navigating: what was sent before is in already
        pass


def _wait(page, find, timeout):
    """Poll ``find()`` until it returns something or ``timeout`` ms pass; None if it never did."""
    deadline = time.monotonic() + timeout / 1000
    pause = 20
    while True:
        found = find()
        if found is not None:
            return found
        left = deadline - time.monotonic()
        if left <= 0 or page.is_closed():
            return None
        page.wait_for_timeout(min(pause, left * 1000))
        pause = min(pause * 2, 250)


class HeapCalls:
    """What Heap received on one page: ``calls`` (oldest first) and ``wait_for``."""

    def __init__(self, page, script_urls=()):
        self.page = page
        self.script_urls = list(script_urls)
        self.requests = []  # the Heap script URLs the page asked for (answered by the stand-in)
        self.failed_scripts = []  # scripts the page could not load (a Heap URL not named?)
        self._calls = []
        self._body = None

    def start(self):
        """Route Heap's script URLs to the stand-in; call before the page navigates."""
        # the one stand-in and the one pattern of Heap's URLs (v5 and classic, any host)
        from heap_device.tools.server import HEAP_SCRIPT, STANDIN

        self._body = FORWARDER + STANDIN.read_text(encoding="utf-8")
        self.page.expose_binding(HEAP_BINDING, self._record)
        self.page.on("requestfailed", self._failed)
        self.page.route(lambda url: bool(HEAP_SCRIPT.match(url)), self._answer)
        for pattern in self.script_urls:
            self.page.route(pattern, self._answer)
        return self

    def _record(self, source, text):
        call = json.loads(text)  # the stand-in records [method, [args]]
        self._calls.append([call[0], *call[1]])

    def _failed(self, request):
        if request.resource_type == "script":
            self.failed_scripts.append(request.url)

    def _answer(self, route):
        self.requests.append(route.request.url)
        route.fulfill(status=200, content_type="text/javascript", body=self._body)

    @property
    def calls(self):
        """Every call Heap received so far, as ``[method, *args]`` lists of JSON values."""
        _sync(self.page)
        return [list(call) for call in self._calls]

    def wait_for(self, name, *args, timeout=DEFAULT_TIMEOUT_MS, partial=False):
        """Wait for a call ``name(*args, ...)`` (``args``: its first arguments) and return it.

        A dict among ``args`` is compared exactly, unless wrapped in ``subset({...})`` or
        ``partial=True`` is given (then every dict given matches a dict with more keys).
        ``timeout`` is in milliseconds, as in Playwright. Fails with the calls Heap did get and
        what differs in the nearest one.
        """
        __tracebackhide__ = True  # the failure points at the test's line, not at ours
        wanted = [name, *(_partial(a) for a in args)] if partial else [name, *args]

        def find():
            for call in self.calls:
                if len(call) >= len(wanted) and matches(wanted, call[: len(wanted)]):
                    return call
            return None

        found = _wait(self.page, find, timeout)
        if found is None:
            raise AssertionError(self._missing(wanted, timeout))
        return found

    def _missing(self, wanted, timeout):
        head = "%s(%s)" % (wanted[0], ", ".join([shown(a) for a in wanted[1:]] + ["..."]))
        lines = ["Heap received no %s within %d ms." % (head, timeout)]
        calls = self.calls
        if calls:
            lines.append("It received %d call%s:" % (len(calls), "" if len(calls) == 1 else "s"))
            lines += ["  %d. %s" % (n, shown(call)) for n, call in enumerate(calls, 1)]
            near = nearest(wanted, calls)
            if near is not None:
                n, call = near
                lines.append("The nearest is call %d; what differs:" % n)
                lines += ["  " + line for line in _argument_differences(wanted[1:], call[1:])]
        elif self.requests:
            lines.append("Heap's script was loaded (%s) but received no calls." % self.requests[0])
        else:
            named = "".join(" and %s" % getattr(p, "pattern", p) for p in self.script_urls)
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


# ---------------------------------------------------------------- RudderStack, offline

TEST_APP_ID = "1234567890"  # the Heap app id of the default source config (any digits do)
# The SDK file the official v3 loading snippet adds (modern, or legacy for old browsers).
RUDDERSTACK_SDK = re.compile(r"^https://cdn\.rudderlabs\.com/v3/(modern|legacy)/rsa(\.min)?\.js$")
# The one the older v1.1 loading snippet adds.
RUDDERSTACK_SDK_V1 = re.compile(
    r"^https://cdn\.rudderlabs\.com/v1\.1/rudder-analytics(\.min)?\.js$"
)
# What RudderStack itself serves: a request for anything else there is answered 404 and listed.
RUDDERSTACK_HOSTS = re.compile(r"^https://(cdn\.rudderlabs\.com|api\.rudderstack\.com)/")
# On any host (the site names its control plane with configUrl, its data plane in load()).
SOURCE_CONFIG = re.compile(r"^https?://[^/]+(/[^?#]*)?/sourceConfig/?([?#].*)?$")
DATA_PLANE = re.compile(
    r"^https?://[^/]+(?:/[^?#]*)?/(v1/(?:track|page|identify|group|alias|batch)|beacon/v1/batch"
    r"|rsaMetrics|transform)([?#].*)?$"
)
# Run as rsa.min.js from the CDN: the SDK's bundled build (all plugins inside, nothing else to
# fetch), then what the CDN build does when it runs: an instance, which takes the calls the loading
# snippet buffered in window.rudderanalytics (load first) and replaces that array.
SDK_START = """(function () {
  var buffered = window.rudderanalytics;
%s
  var RudderAnalytics = window.rudderanalytics.RudderAnalytics;
  window.rudderanalytics = buffered;
  new RudderAnalytics();
})();
"""
# Run as v1.1's rudder-analytics.min.js: the npm build of SDK v1.1 (rudder-sdk-js, a UMD file),
# handed an exports object of its own. Left to itself it would set window.rudderanalytics = {}
# before it starts, losing the calls the v1.1 snippet buffered there; so it starts, as the CDN
# file does, on the buffer (load first), and then its methods replace the array.
SDK_V1_START = """(function () {
  var sdk = {};
  (function (exports, module, define) {
%s
  }).call(window, sdk, { exports: sdk });
  window.rudderanalytics = sdk;
})();
"""


def heap_destination(
    app_id=TEST_APP_ID, id="heap-1", transformation=False, propagate_on_error=False, **config
):
    """A "Heap.io" destination in device mode, as RudderStack's source config has it.

    ``transformation=True``: RudderStack's Device Mode Transformations apply to it
    (``shouldApplyDeviceModeTransformation``: the SDK sends each message to the data plane's
    ``/transform`` first); ``propagate_on_error=True``: a message the transformation failed on
    is sent as it was (``propagateEventsUntransformedOnError``; RudderStack's default drops it).
    ``config``: more keys of the destination's config (``{"appId": ..., "connectionMode": ...}``).
    """
    config = {"appId": app_id, "connectionMode": "device", **config}
    return _destination(id, "HEAP", "Heap.io", config, transformation, propagate_on_error)


def custom_device_mode_destination(
    id="heap-device", transformation=False, propagate_on_error=False
):
    """A "Custom Device Mode" destination: heap-device's other way in. The page registers it
    (``rudderanalytics.addCustomIntegration(id, HeapDevice.customIntegration)``, or
    ``data-destination-id`` on heap-device's tag) and Heap's app id is in the tag's data-options."""
    config = {"connectionMode": "device"}
    return _destination(
        id, "CUSTOM_DEVICE_MODE", "Custom Device Mode", config, transformation, propagate_on_error
    )


def _destination(id, name, display_name, config, transformation, propagate_on_error):
    return {
        "id": id,
        "name": display_name,
        "enabled": True,
        "config": config,
        "destinationDefinition": {"name": name, "displayName": display_name},
        "shouldApplyDeviceModeTransformation": bool(transformation),
        "propagateEventsUntransformedOnError": bool(propagate_on_error),
    }


def source_config(*destinations, source_id="offline-source", workspace_id="offline-workspace"):
    """The answer of RudderStack's ``/sourceConfig`` for a JavaScript source with ``destinations``.

    Error and metrics reports are off, so the SDK posts nothing but the messages.
    """
    return {
        "isHosted": False,
        "source": {
            "id": source_id,
            "name": "offline source",
            "workspaceId": workspace_id,
            "enabled": True,
            "config": {},
            "destinations": list(destinations),
        },
    }


class OfflineRudderStack:
    """RudderStack on one page, answered locally: what the SDK asks the cloud for and what it sends.

    - the SDK file of the official v3 loading snippet (``https://cdn.rudderlabs.com/v3/<modern or
      legacy>/rsa.min.js``), and of the older v1.1 one
      (``https://cdn.rudderlabs.com/v1.1/rudder-analytics.min.js``): the pinned SDKs heap-device
      ships;
    - ``/sourceConfig`` on any host (RudderStack's control plane, or the site's ``configUrl``):
      ``source_config``;
    - the data plane (on any host, as the page's ``load(writeKey, dataPlaneUrl)`` names it):
      ``/v1/<type>``, ``/v1/batch`` and ``/beacon/v1/batch`` answered 200 and kept (``messages``),
      ``/transform`` answered as RudderStack's Device Mode Transformations do, with
      ``transformation(event, metadata)`` (None: each event back as it came).
    Anything else asked of RudderStack's hosts is answered 404 and listed in ``unanswered``.
    """

    def __init__(self, page, source_config, transformation=None):
        self.page = page
        self.source_config = source_config
        self.transformation = transformation
        self.requests = []  # [(method, URL)] of every request answered here
        self.posts = []  # [(path, body)]: what the data plane was sent, oldest first
        self.transform_requests = []  # bodies POSTed to /transform
        self.unanswered = []  # URLs of RudderStack's hosts nothing here gives (answered 404)
        self._sdk = {}  # the SDK files' text, by kind, read when first asked for

    def start(self):
        """Route the page's RudderStack requests here; call before the page navigates."""
        self.page.route(lambda url: bool(_rudderstack_url(url)), self._answer)
        return self

    @property
    def messages(self):
        """Every message the data plane received, oldest first (a batch's one by one)."""
        _sync(self.page)
        found = []
        for path, body in self.posts:
            if not path.endswith("/batch"):
                found.append(body)
            elif isinstance(body, dict) and isinstance(body.get("batch"), list):
                found += body["batch"]
        return [copy.deepcopy(m) for m in found if isinstance(m, dict)]

    def wait_for(
        self, type, event=None, properties=None, timeout=DEFAULT_TIMEOUT_MS, partial=False
    ):
        """Wait for a message of ``type`` reaching the data plane and return it.

        ``event``: a track's event name (a page's name); ``properties``: its properties, compared
        exactly, unless given as ``subset({...})`` or with ``partial=True``. ``timeout`` in
        milliseconds.
        """
        __tracebackhide__ = True
        key = "name" if type == "page" else "event"
        if partial:
            properties = _partial(properties)

        def wanted(message):
            return (
                message.get("type") == type
                and (event is None or message.get(key) == event)
                and (properties is None or matches(properties, message.get("properties")))
            )

        found = _wait(self.page, lambda: next(filter(wanted, self.messages), None), timeout)
        if found is None:
            raise AssertionError(self._missing(type, event, properties, timeout, key))
        return found

    def _missing(self, type, event, properties, timeout, key):
        shown_args = [shown(a) for a in (type, event, properties) if a is not None]
        lines = [
            "RudderStack's data plane received no %s within %d ms."
            % ("message(%s)" % ", ".join(shown_args), timeout)
        ]
        messages = self.messages
        if messages:
            lines.append("It received %d message%s:" % (len(messages), "s"[len(messages) == 1 :]))
            for n, message in enumerate(messages, 1):
                brief = [message.get("type"), message.get(key), message.get("properties")]
                lines.append("  %d. %s" % (n, shown([b for b in brief if b is not None])))
        elif not self.requests:
            lines += [
                "The page asked RudderStack for nothing: did it load the SDK (the loading snippet,",
                "or the npm package) before the test looked, and is the `rudderstack` fixture",
                "asked for before the page navigates?",
            ]
        else:
            lines.append(
                "It received nothing. Requests answered: %s"
                % ", ".join("%s %s" % r for r in self.requests)
            )
        if self.unanswered:
            lines.append(
                "Answered 404 (nothing offline gives them): %s" % ", ".join(self.unanswered)
            )
        return "\n".join(lines)

    # -- answering

    def _answer(self, route):
        request = route.request
        url = request.url
        kind = _rudderstack_url(url)
        self.requests.append((request.method, url))
        if kind in SDK_FILES:
            body = self._sdk_text(kind)
            return route.fulfill(status=200, content_type="text/javascript", body=body)
        if kind == "config":
            return self._fulfill(route, 200, "application/json", json.dumps(self.source_config))
        if kind == "data plane" and request.method == "POST":
            path = DATA_PLANE.match(url).group(1)
            body = _json_body(request.post_data)
            if path == "transform":
                self.transform_requests.append(body)
                status, text = answer_transform(body, self.transformation)
                return self._fulfill(route, status, "application/json", text)
            if path != "rsaMetrics":
                self.posts.append(("/" + path, body))
            return self._fulfill(route, 200, "text/plain", "OK")
        if kind == "data plane":
            return route.fallback()  # not a data plane request after all (a GET of the site's)
        self.unanswered.append(url)
        return self._fulfill(route, 404, "text/plain", "not available offline")

    def _fulfill(self, route, status, content_type, body):
        origin = route.request.headers.get("origin")
        headers = {"Access-Control-Allow-Origin": origin or "*"}
        if origin:
            headers["Access-Control-Allow-Credentials"] = "true"
        route.fulfill(status=status, content_type=content_type, body=body, headers=headers)

    def _sdk_text(self, kind):
        if kind not in self._sdk:
            from heap_device.tools import assets

            start, name = SDK_FILES[kind]
            path = getattr(assets, name)
            if not path.is_file():
                raise AssertionError(
                    "%s is missing, so the RudderStack SDK cannot be served offline: %s"
                    % (path, assets.fix_missing())
                )
            self._sdk[kind] = start % path.read_text(encoding="utf-8")
        return self._sdk[kind]

    def __repr__(self):
        return "<OfflineRudderStack %d posts>" % len(self.posts)


# What each SDK file is answered with: (how it starts, its file's name in assets).
SDK_FILES = {
    "sdk": (SDK_START, "RUDDERSTACK_UMD"),
    "sdk v1.1": (SDK_V1_START, "RUDDERSTACK_V1"),
}


def _rudderstack_url(url):
    """What a URL is to OfflineRudderStack: "sdk", "sdk v1.1", "config", "data plane", "other",
    or None."""
    if RUDDERSTACK_SDK.match(url):
        return "sdk"
    if RUDDERSTACK_SDK_V1.match(url):
        return "sdk v1.1"
    if SOURCE_CONFIG.match(url):
        return "config"
    if DATA_PLANE.match(url):
        return "data plane"
    if RUDDERSTACK_HOSTS.match(url):
        return "other"
    return None


def _json_body(text):
    try:
        return json.loads(text or "")
    except ValueError:
        return text


def answer_transform(body, transformation=None):
    """(HTTP status, JSON text): the data plane's answer to the SDK's ``POST /transform``.

    As RudderStack's Device Mode Transformations answer: each event of the batch goes through
    ``transformation(event, metadata)`` (a RudderStack Python transformation's ``transformEvent``;
    None: the event back as it came), which returns the event, a list of events, or None to drop
    it; an exception there is that event's status "400" (the SDK then drops it, or sends it
    untransformed with ``propagateEventsUntransformedOnError``).
    """
    if not isinstance(body, dict) or not isinstance(body.get("batch"), list):
        return 400, json.dumps({"error": "the body has no batch"})
    answers = {}
    for item in body["batch"]:
        event = item.get("event")
        metadata = {"messageId": (event or {}).get("messageId")}
        try:
            result = (
                event if transformation is None else transformation(copy.deepcopy(event), metadata)
            )
        except Exception as exc:  # the workspace's transformation failed on this event
            payload = [{"orderNo": item.get("orderNo"), "status": "400", "error": str(exc)}]
        else:
            events = [] if result is None else result if isinstance(result, list) else [result]
            payload = [
                {"orderNo": item.get("orderNo"), "status": "200", "event": e} for e in events
            ]
        for destination in item.get("destinationIds") or []:
            answers.setdefault(destination, []).extend(payload)
    batch = [{"id": d, "payload": p} for d, p in answers.items()]
    return 200, json.dumps({"transformedBatch": batch})
