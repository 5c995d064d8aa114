"""docs/contract.md §9 through the real RudderStack SDK v3: a site's transformEvent, built in with
`heap-device build --transform`, runs in the runtime before the mapping. One transform file plays
every case by event name, so one page proves many rules.
"""

import json
import re
import subprocess
import sys

import pytest

from e2e.conftest import REPO
from e2e.test_browser import DEST, heap_calls, open_page, settle_console

TRANSFORM = """
import time

seen = []


def now_ms():
    if hasattr(time, "ticks_ms"):  # MicroPython
        return time.ticks_ms()
    return time.monotonic() * 1000


def mask(values):
    if isinstance(values, dict):
        for key in values:
            if isinstance(values[key], str) and "@" in values[key]:
                values[key] = "***"


def transformEvent(event, metadata):
    name = event.get("event")
    mask(event.get("properties"))
    mask(event.get("traits"))
    mask((event.get("context") or {}).get("traits"))
    if name == "Rename me":
        event["event"] = "Renamed"
    elif name == "Drop me":
        return None
    elif name == "Split me":
        return [event, {"type": "track", "event": "Split part 2", "properties": {"part": 2}}]
    elif name == "Raise me":
        event["event"] = "changed before raising"
        raise ValueError("no " + str(event["properties"].get("n")))
    elif name == "String me":
        return "not an event"
    elif name == "List me":
        return [event, 3]
    elif name == "Count me":
        seen.append(1)
        event["properties"]["count"] = len(seen)
        event["properties"]["messageId"] = metadata(event).get("messageId") == event["messageId"]
        event["properties"]["dest"] = metadata(event).get("destinationId")
    elif name == "Slow":
        start = now_ms()
        while now_ms() - start < 20:
            pass
    return event
"""
TRANSFORM_FILE = "site_rules.py"
# The line of the `raise` above, in the file as written.
RAISE_LINE = (
    TRANSFORM.lstrip("\n")
    .splitlines()
    .index('        raise ValueError("no " + str(event["properties"].get("n")))')
    + 1
)
CASES = """() => {
    rudderanalytics.track('Rename me', {a: 1});
    rudderanalytics.track('Drop me', {a: 2});
    rudderanalytics.track('Mask me', {email: 'ann@example.com', plan: 'pro'});
    rudderanalytics.identify('u-1', {email: 'ann@example.com', plan: 'pro'});
    rudderanalytics.track('Split me', {a: 3});
    rudderanalytics.track('Raise me', {n: 1});
    rudderanalytics.track('String me', {a: 4});
    rudderanalytics.track('List me', {a: 5});
    rudderanalytics.track('Count me', {});
    rudderanalytics.reset();
    rudderanalytics.track('Count me', {});
    rudderanalytics.track('Plain', {tags: ['x', 'y']});
}"""
SENT = [
    ["track", ["Renamed", {"a": 1}]],
    ["track", ["Mask me", {"email": "***", "plan": "pro"}]],
    ["identify", ["u-1"]],
    ["addUserProperties", [{"email": "***", "plan": "pro"}]],
    ["track", ["Split me", {"a": 3}]],
    ["track", ["Split part 2", {"part": 2}]],
    ["track", ["Raise me", {"n": 1}]],  # transformErrors "send": as it was before the transform
    ["track", ["String me", {"a": 4}]],
    ["track", ["List me", {"a": 5}]],
    ["track", ["Count me", {"count": 1, "messageId": True, "dest": "heap-1"}]],
    ["resetIdentity", []],
    ["track", ["Count me", {"count": 2, "messageId": True, "dest": "heap-1"}]],
    ["track", ["Plain", {"tags": "x||y"}]],
]
ERRORS = [
    "heap-device: transformEvent raised at %s line %d: ValueError: no 1; the message was sent "
    'as it was (transformErrors: "send"; said once, later ones are counted with debug)'
    % (TRANSFORM_FILE, RAISE_LINE),
    "heap-device: transformEvent returned a string; it must return a dict with a type (track, "
    "identify, page, group or alias), a list of them, or None; the message was sent as it was "
    '(transformErrors: "send"; said once, later ones are counted with debug)',
    "heap-device: transformEvent returned a list holding a number; it must return a dict with a "
    "type (track, identify, page, group or alias), a list of them, or None; the message was sent "
    'as it was (transformErrors: "send"; said once, later ones are counted with debug)',
]
# The transform builds, each beside the site's other bundles.
TRANSFORM_BUNDLES = {
    "micropython": ["--runtime", "micropython", "--dev"],
    "pyodide": ["--runtime", "pyodide", "--dev"],
    "pyscript": ["--runtime", "micropython", "--boot", "pyscript", "--dev"],
}
# Dev builds: what each message's transform did, as the page tools see it (heap-device:calls).
DETAILS = """
window.__details = [];
addEventListener('heap-device:calls', function (e) {
  window.__details.push(JSON.stringify(e.detail));
});
"""
OUTCOMES = [
    ["track", "changed"],  # Rename me
    ["track", "dropped"],
    ["track", "changed"],  # Mask me
    ["identify", "changed"],
    ["track", "split"],
    ["track", "error"],  # Raise me
    ["track", "error"],  # String me
    ["track", "error"],  # List me
    ["track", "changed"],  # Count me
    ["reset", None],
    ["track", "changed"],
    ["track", "unchanged"],  # Plain
]
# The page's long tasks (any cause), and how long each task of ours that applies the worker's
# answers runs: the worker build's one message handler, timed around every call.
LONGTASKS = """
window.__tasks = [];
window.__answerTasks = [];
new PerformanceObserver(function (list) {
  list.getEntries().forEach(function (e) { window.__tasks.push([e.startTime, e.duration]); });
}).observe({type: 'longtask', buffered: true});
var handler = Object.getOwnPropertyDescriptor(Worker.prototype, 'onmessage');
Object.defineProperty(Worker.prototype, 'onmessage', {
  get: handler.get,
  set: function (f) {
    handler.set.call(this, function (e) {
      var start = performance.now();
      try { return f.call(this, e); }
      finally {
        var batches = Array.isArray(e.data) ? e.data.length : 0;
        window.__answerTasks.push([start, performance.now() - start, batches]);
      }
    });
  }
});
"""


@pytest.fixture(scope="module")
def transform_site(site, tmp_path_factory):
    """The site, plus a transform build per runtime at /transform-<runtime>/."""
    source = tmp_path_factory.mktemp("transform") / TRANSFORM_FILE
    source.write_text(TRANSFORM.lstrip("\n"), encoding="utf-8")
    for name, args in TRANSFORM_BUNDLES.items():
        out = site.root / ("transform-" + name)
        cmd = [sys.executable, "-m", "heap_device.tools.cli", "build", "--out", str(out)]
        subprocess.run([*cmd, *args, "--transform", str(source)], check=True, cwd=REPO)
    return site


@pytest.fixture(params=list(TRANSFORM_BUNDLES))
def bundle(request):
    return "transform-" + request.param


def our_errors(watch):
    return [t for k, t in watch.console if k == "error" and t.startswith("heap-device:")]


def test_each_rule_gives_its_exact_heap_calls(page, transform_site, watch, bundle):
    watch.expected_errors.append(r"^heap-device: transformEvent ")
    page.add_init_script(DETAILS)
    # "send" (the default is "drop"): the rows show a failed message sent as it was.
    open_page(page, transform_site.page(bundle, DEST, options={"transformErrors": "send"}))
    start = page.evaluate("window.__details.length")
    assert heap_calls(page, CASES) == SENT
    settle_console(page)
    assert our_errors(watch) == ERRORS
    details = [json.loads(d) for d in page.evaluate("window.__details")[start:]][: len(OUTCOMES)]
    assert [[d["type"], d.get("transform", {}).get("outcome")] for d in details] == OUTCOMES
    assert details[4]["transform"]["events"][1] == {
        "type": "track",
        "event": "Split part 2",
        "properties": {"part": 2},
    }
    assert details[5]["transform"]["error"].startswith("transformEvent raised at site_rules.py")
    # Again: the same failures are not said again (once per distinct error, never per message).
    again = heap_calls(page, CASES)
    assert again[:9] == SENT[:9]
    assert again[9:] == [
        ["track", ["Count me", {"count": 3, "messageId": True, "dest": "heap-1"}]],
        ["resetIdentity", []],
        ["track", ["Count me", {"count": 4, "messageId": True, "dest": "heap-1"}]],
        ["track", ["Plain", {"tags": "x||y"}]],
    ]
    settle_console(page)
    assert our_errors(watch) == ERRORS
    assert watch.page_errors == [] and watch.strays == []


def test_with_transform_errors_drop_a_failure_sends_nothing(page, transform_site, watch):
    watch.expected_errors.append(r"^heap-device: transformEvent ")
    open_page(
        page,
        transform_site.page("transform-micropython", DEST, options={"transformErrors": "drop"}),
    )
    script = """() => {
        rudderanalytics.track('Raise me', {n: 2});
        rudderanalytics.track('String me', {a: 1});
        rudderanalytics.track('Rename me', {a: 6});
    }"""
    assert heap_calls(page, script) == [["track", ["Renamed", {"a": 6}]]]
    settle_console(page)
    assert [e.split("; the message ")[1] for e in our_errors(watch)] == [
        'was dropped (transformErrors: "drop", the default; to send such a message as it was '
        'instead, build with --options \'{"transformErrors": "send"}\'; said once, later ones '
        "are counted with debug)"
    ] * 2


def test_a_slow_transform_under_a_burst_keeps_the_page_responsive_and_loses_nothing(
    page, transform_site, watch
):
    """1,000 events, 20 ms of transform each: the worker is busy for 20 s or more, the page not.

    The worker answers in many small messages (a few batches each, one per ANSWER_MS of its
    work), so each task in which the page applies them is short. Counted, not timed: a task's
    duration on a loaded machine says more about the machine (they are printed, with the SDK's
    own long tasks on a burst, which any build has).
    """
    page.add_init_script(LONGTASKS)
    open_page(page, transform_site.page("transform-micropython", DEST))
    # Python runs before the burst: 1,000 messages fired while it still starts (a loaded machine)
    # wait on the page, where the queue's cap of 1,000 drops the oldest once the marker comes.
    page.wait_for_function("() => window.Heap_RS.running === true")
    script = """() => {
        for (let i = 0; i < 1000; i++) rudderanalytics.track('Slow', {i: i});
    }"""
    page.set_default_timeout(300_000)
    calls = heap_calls(page, script)
    assert calls == [["track", ["Slow", {"i": i}]] for i in range(1000)]
    ours = page.evaluate("window.__answerTasks")
    tasks = page.evaluate("window.__tasks")
    longest = max(duration for _, duration, _ in ours)
    most = max(batches for _, _, batches in ours)
    print(
        "%d answer tasks over %.1f s, the longest %.1f ms, at most %d batches; the page's long"
        " tasks (any cause): %s"
        % (
            len(ours),
            (ours[-1][0] - ours[0][0]) / 1000,
            longest,
            most,
            [round(d) for _, d in tasks],
        )
    )
    # 20 ms a message, an answer every 60 ms of the worker's work: 3 or 4 batches, never a burst
    assert len(ours) > 100 and most <= 8


# ---- RudderStack's own Device Mode Transformations, before heap-device ----------------------
# With shouldApplyDeviceModeTransformation on the destination, the SDK (its DeviceModeTransformation
# plugin) POSTs each event to <dataPlane>/transform and hands the destination what comes back. The
# stand-in below answers as RudderStack's data plane does (read from the SDK: createPayload,
# sendTransformedEventToDestinations): request {"metadata": {...}, "batch": [{"orderNo",
# "destinationIds", "event"}]}; 200 answer {"transformedBatch": [{"id": <destination>, "payload":
# [{"orderNo", "status": "200", "event": {...}}, ...]}]}; a payload entry with another status
# ("410": no transformation) is a failure for that event; a 404 answer is "access denied" (the SDK
# sends the event untransformed); any other failure follows propagateEventsUntransformedOnError.
DMT_PAGE = """(function () {
  'use strict';
  var cfg = JSON.parse(document.getElementById('cfg').textContent);
  var source = {source: {id: 'src-1', workspaceId: 'ws-1', enabled: true, config: {},
    destinations: [{id: 'heap-1', enabled: true, config: cfg.destConfig,
      shouldApplyDeviceModeTransformation: true,
      propagateEventsUntransformedOnError: cfg.propagate,
      destinationDefinition: {name: 'HEAP', displayName: 'Heap.io'}}]}};
  var ra = new window.rudderanalytics.RudderAnalytics();
  ra.ready(function () { window.__rsReady = true; });
  ra.load('test-write-key', location.origin, {
    getSourceConfig: function () { return source; },
    destSDKBaseURL: location.origin + '/no-integrations',
    polyfillIfRequired: false, logLevel: 'ERROR'
  });
})();
"""


def dmt_answer(body):
    """The data plane's /transform answer for one request: (HTTP status, JSON body)."""
    request = json.loads(body)
    out = []
    for item in request["batch"]:
        event = item["event"]
        name = event.get("event")
        if name == "RS http400":
            return 400, {"error": "bad request"}
        if name == "RS http404":
            return 404, {"error": "transformation server access denied"}
        if (name or "").startswith("marker "):  # the test's own marker (heap_calls): as it came
            payload = [{"orderNo": item["orderNo"], "status": "200", "event": event}]
        elif name == "RS unavailable":
            payload = [{"orderNo": item["orderNo"], "status": "410", "event": {}}]
        elif name == "RS drop":
            payload = []
        elif name == "RS split":
            second = dict(event, event="RS split part 2", messageId=event["messageId"] + "-2")
            payload = [
                {"orderNo": item["orderNo"], "status": "200", "event": e} for e in (event, second)
            ]
        else:
            renamed = dict(event, event=(name or "") + " (RS)")
            if name == "RS to site rule":
                renamed["event"] = "Rename me"  # then the site's own transform renames it
            payload = [{"orderNo": item["orderNo"], "status": "200", "event": renamed}]
        for destination in item["destinationIds"]:
            out.append({"id": destination, "payload": payload})
    return 200, {"transformedBatch": out}


def dmt_page(page, site, bundle, propagate):
    if not (site.root / "dmt-page.js").exists():
        (site.root / "dmt-page.js").write_text(DMT_PAGE, encoding="utf-8")
    requests = []

    def answer(route):
        requests.append(json.loads(route.request.post_data))
        status, body = dmt_answer(route.request.post_data)
        route.fulfill(status=status, content_type="application/json", body=json.dumps(body))

    page.route(site.origin + "/transform", answer)
    cfg = json.dumps({"destConfig": DEST, "propagate": propagate})
    site._pages += 1
    name = "dmt-%d.html" % site._pages
    (site.root / name).write_text(
        '<!doctype html><html><head><meta charset="utf-8"><link rel="icon" href="data:,">\n'
        + site.snippet(bundle)
        + '<script type="application/json" id="cfg">%s</script>\n' % cfg
        + '<script src="/vendor/v3.js"></script>\n<script src="/dmt-page.js"></script>\n'
        + "</head><body>dmt</body></html>\n",
        encoding="utf-8",
    )
    open_page(page, site.origin + "/" + name)
    return requests


DMT_CASES = """() => {
    rudderanalytics.track('RS one', {n: 1});
    rudderanalytics.track('RS drop', {n: 2});
    rudderanalytics.track('RS split', {n: 3});
    rudderanalytics.track('RS unavailable', {n: 4});
    rudderanalytics.track('RS http400', {n: 5});
    rudderanalytics.track('RS http404', {n: 6});
    rudderanalytics.track('RS to site rule', {n: 7});
    rudderanalytics.track('RS two', {n: 8});
}"""


@pytest.mark.parametrize("propagate", [False, True], ids=["drop-on-error", "propagate"])
def test_rudderstacks_device_mode_transformations_then_the_sites(
    page, transform_site, watch, propagate
):
    # The browser logs the stand-in's 400 and 404 answers; the SDK its own DMT lines.
    watch.expected_errors.append(
        r"^Failed to load resource: the server responded with a status of 40[04]"
    )
    watch.expected_errors.append(r"DeviceModeTransformation|DMT|transformation")
    requests = dmt_page(page, transform_site, "transform-micropython", propagate)
    untransformed = [["track", ["RS unavailable", {"n": 4}]], ["track", ["RS http400", {"n": 5}]]]
    expected = [
        ["track", ["RS one (RS)", {"n": 1}]],
        ["track", ["RS split", {"n": 3}]],
        ["track", ["RS split part 2", {"n": 3}]],
        *(untransformed if propagate else []),
        ["track", ["RS http404", {"n": 6}]],  # access denied: always sent untransformed
        ["track", ["Renamed", {"n": 7}]],  # RudderStack's rule, then the site's own
        ["track", ["RS two (RS)", {"n": 8}]],
    ]
    got = heap_calls(page, DMT_CASES)
    assert got == expected
    batch = requests[0]
    # {"Custom-Authorization": <token>}: the SDK has no token here, so JSON leaves the key out.
    assert set(batch) == {"metadata", "batch"} and batch["metadata"] == {}
    item = batch["batch"][0]
    assert item["destinationIds"] == ["heap-1"] and item["event"]["event"] == "RS one"
    assert isinstance(item["orderNo"], int)


IDIOMS_FILE = "idioms_rules.py"
IDIOMS_PAGE = "() => { rudderanalytics.track('Idioms', {}); }"


def idioms_transform():
    """docs/transformations.md's idioms as a transform: each result becomes a property."""
    from heap_device.tools import host_facts

    program = host_facts.idiom_program().replace("print(json.dumps(RESULTS))\n", "")
    # Some idioms are patterns the build refuses (MicroPython reads them otherwise: the table
    # shows how). Try and the browser must still agree on them, so `re` goes by another name
    # here, which the build's check of literal patterns does not follow.
    program = "_re = __import__('re')\n" + re.sub(r"\bre\.", "_re.", program)
    return program + (
        "\n\ndef transformEvent(event, metadata):\n"
        "    if event.get('event') == 'Idioms':\n"
        "        event['properties'] = {'i%d' % n: text for n, text in enumerate(RESULTS)}\n"
        "    return event\n"
    )


def test_try_and_the_browser_give_the_same_idioms(page, site, watch, tmp_path):
    """Every idiom of docs/transformations.md's table: `try` (the host build) gives what the
    browser's MicroPython (the web build, in Chromium) gives, one page for all of them."""
    from heap_device.tools import host_facts, trial

    source = tmp_path / IDIOMS_FILE
    source.write_text(idioms_transform(), encoding="utf-8")
    out = site.root / "transform-idioms"
    cmd = [sys.executable, "-m", "heap_device.tools.cli", "build", "--out", str(out)]
    subprocess.run([*cmd, "--runtime", "micropython", "--transform", str(source)], check=True)
    tried = trial.run({"type": "track", "event": "Idioms"}, transform=source)["calls"]
    open_page(page, site.page("transform-idioms", DEST))
    browser = heap_calls(page, IDIOMS_PAGE)
    assert [call[1][0] for call in browser] == ["Idioms"]
    got, want = browser[0][1][1], tried[0][1][1]
    assert len(want) == len(host_facts.IDIOMS)
    differ = [
        "%s: try %s, browser %s" % (host_facts.IDIOMS[n][0], want[key], got.get(key))
        for n, key in enumerate(sorted(want, key=lambda k: int(k[1:])))
        if got.get(key) != want[key]
    ]
    assert differ == []
    assert watch.page_errors == []
