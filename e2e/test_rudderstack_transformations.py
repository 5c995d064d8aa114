"""RudderStack's own Device Mode Transformations keep working through heap-device (issue 16 item 6).

With ``shouldApplyDeviceModeTransformation`` on the Heap.io destination, the SDK v3 (its bundled
build carries the DeviceModeTransformation plugin) does not hand the destination a message at
once: it POSTs it to ``<dataPlaneUrl>/transform`` and hands over what comes back. Read from
``dist/npm/modern/bundled/umd/index.js`` (``createPayload``,
``sendTransformedEventToDestinations``):

- request: one message per POST, Basic auth with the write key, body
  ``{"metadata": {"Custom-Authorization": <token>}, "batch": [{"orderNo": <Date.now()>,
  "destinationIds": [<id>], "event": <message>}]}``;
- HTTP 200 ``{"transformedBatch": [{"id": <destination id>, "payload": [{"status": "200",
  "event": {...}}, ...]}]}``: each "200" entry is handed over (none: nothing, several: each);
  an entry with another status hands over the untransformed message when the destination has
  ``propagateEventsUntransformedOnError``, else nothing;
- HTTP 404 (transformation server access denied): the untransformed message, whatever the setting;
- any other status (after the retries of a 5xx or 429): like a failed entry.

``DataPlaneTransformer`` answers that endpoint the way RudderStack's data plane would, running a
``transformEvent(event, metadata)`` of its own in Python; the test asserts Heap's exact calls.
"""

import copy
import json
import subprocess
import sys

import pytest

from e2e.conftest import REPO, wait_until
from e2e.rs_pages import HEAP_DEST, heap_calls_until, open_ready, order_page

BUNDLE = "micropython"  # the default build (MicroPython in a worker): one page, many cases
HTTP_ANSWERS = {"Denied": 404, "Bad Request": 400}  # events the data plane answers with an error


def transform_event(event, metadata):
    """The workspace's transformation, as a RudderStack user would write it in Python."""
    name = event.get("event")
    if name == "Checkout Step":
        event["event"] = "Checkout Step Viewed"
        return event
    if name == "Cart Bundle":  # one event becomes two, both copies of it (same messageId)
        return [dict(event, event="Cart Item Added"), dict(event, event="Cart Viewed")]
    if name == "Internal Ping":
        return None
    if name == "Broken":
        raise ValueError("no price")
    return event


class DataPlaneTransformer:
    """``POST /transform`` as RudderStack's data plane answers it; keeps every request body.

    With ``hold``, each request waits unanswered until ``release`` answers the held ones in an
    order the test chooses: the test, not the machine's timing, decides which answer comes first.
    """

    def __init__(self, transform, hold=False):
        self.transform = transform
        self.requests = []
        self.hold = hold
        self.held = []

    def answer(self, body):
        """(HTTP status, response text) for one request body."""
        (item,) = body["batch"]  # the SDK sends one message per request
        event = item["event"]
        status = HTTP_ANSWERS.get(event.get("event"))
        if status is not None:
            return status, json.dumps({"error": "answered %d on purpose" % status})
        try:
            result = self.transform(copy.deepcopy(event), {"messageId": event.get("messageId")})
        except Exception as exc:
            payload = [{"orderNo": item["orderNo"], "status": "400", "error": str(exc)}]
        else:
            events = [] if result is None else result if isinstance(result, list) else [result]
            payload = [{"orderNo": item["orderNo"], "status": "200", "event": e} for e in events]
        batch = [{"id": d, "payload": payload} for d in item["destinationIds"]]
        return 200, json.dumps({"transformedBatch": batch})

    def route(self, route):
        body = json.loads(route.request.post_data)
        self.requests.append({"headers": route.request.headers, "body": body})
        if self.hold:
            self.held.append((route, body))
        else:
            self.fulfill(route, body)

    def fulfill(self, route, body):
        status, text = self.answer(body)
        route.fulfill(status=status, content_type="application/json", body=text)

    def release(self, page, count, order):
        """Once ``count`` requests wait, answer them in ``order`` (indexes into the held ones),
        one at a time: each answer has reached the page (its request finished) before the next
        is sent."""
        wait_until(
            page,
            lambda: len(self.held) >= count,
            lambda: "%d of %d requests came" % (len(self.held), count),
        )
        assert len(self.held) == count, [b["batch"][0]["event"].get("event") for _, b in self.held]
        for index in order:
            route, body = self.held[index]
            with page.expect_event("requestfinished", lambda r, sent=route.request: r == sent):
                self.fulfill(route, body)


def test_the_stand_in_answers_as_the_sdk_reads_it():
    transformer = DataPlaneTransformer(transform_event)

    def ask(name):
        event = {"type": "track", "event": name, "messageId": "m1", "properties": {"a": 1}}
        body = {"metadata": {}, "batch": [{"orderNo": 7, "destinationIds": ["d1"], "event": event}]}
        status, text = transformer.answer(body)
        if status != 200:
            return status
        (entry,) = json.loads(text)["transformedBatch"]
        assert entry["id"] == "d1"
        return [(p["status"], p.get("event", {}).get("event")) for p in entry["payload"]]

    assert ask("Checkout Step") == [("200", "Checkout Step Viewed")]
    assert ask("Cart Bundle") == [("200", "Cart Item Added"), ("200", "Cart Viewed")]
    assert ask("Internal Ping") == []
    assert ask("Broken") == [("400", None)]
    assert ask("Other") == [("200", "Other")]
    assert ask("Denied") == 404
    assert ask("Bad Request") == 400


def track(name, props=None):
    return ["track", [name, props or {}]]


PAGE_CALLS = """() => {
    rudderanalytics.identify('u1');
    rudderanalytics.track('Checkout Step', {step: 2});
    rudderanalytics.track('Cart Bundle', {items: 3});
    rudderanalytics.reset();
    rudderanalytics.track('Internal Ping');
    rudderanalytics.reset();
    rudderanalytics.track('Broken', {price: null});
    rudderanalytics.track('Bad Request');
    rudderanalytics.track('Denied');
    rudderanalytics.identify('u2');
}"""
# The site's own transform (build --transform): it runs on what RudderStack's transformation
# returned, so it sees the renamed and split events, and marks each track with the name it saw.
SITE_TRANSFORM = """
def transformEvent(event, metadata):
    if event.get("type") == "track":
        event["properties"]["site_saw"] = event["event"]
    return event
"""
SITE_BUNDLE = "dmt-site-transform"


@pytest.fixture(scope="module")
def site_transform_bundle(site, tmp_path_factory):
    """The MicroPython worker build with SITE_TRANSFORM, beside the site's other bundles."""
    source = tmp_path_factory.mktemp("dmt") / "site_rules.py"
    source.write_text(SITE_TRANSFORM.lstrip("\n"), encoding="utf-8")
    cmd = [sys.executable, "-m", "heap_device.tools.cli", "build", "--dev", "--transform"]
    cmd += [str(source), "--out", str(site.root / SITE_BUNDLE)]
    subprocess.run(cmd, check=True, cwd=REPO)
    return SITE_BUNDLE


def expected_calls(propagate, site_transform):
    def track(name, props=None):
        props = dict(props or {})
        if site_transform:
            props["site_saw"] = name
        return ["track", [name, props]]

    failed_untransformed = [track("Broken"), track("Bad Request")] if propagate else []
    return [
        ["identify", ["u1"]],
        track("Checkout Step Viewed", {"step": 2}),
        track("Cart Item Added", {"items": 3}),  # one event became two, one messageId
        track("Cart Viewed", {"items": 3}),
        ["resetIdentity", []],
        # Internal Ping: dropped by the transformation
        ["resetIdentity", []],
        *failed_untransformed,  # the transformation failed: propagateEventsUntransformedOnError
        track("Denied"),  # 404: the SDK hands over the untransformed message, whatever the setting
        ["identify", ["u2"]],
    ]


CASES = {
    "propagate": (True, False),
    "no-propagate": (False, False),
    "propagate-then-site-transform": (True, True),
}


@pytest.mark.parametrize("case", list(CASES))
def test_transformed_events_reach_heap_in_the_pages_order(page, site, watch, request, case):
    propagate, site_transform = CASES[case]
    bundle = request.getfixturevalue("site_transform_bundle") if site_transform else BUNDLE
    transformer = DataPlaneTransformer(transform_event, hold=True)
    page.route(site.origin + "/transform", transformer.route)
    dest = {
        **HEAP_DEST,
        "shouldApplyDeviceModeTransformation": True,
        "propagateEventsUntransformedOnError": propagate,
    }
    # The SDK logs a transformation that failed when it drops the event; the browser logs the
    # data plane's 400 and 404 answers.
    watch.expected_errors += [
        r"DeviceModeTransformationPlugin.*Dropping the event",
        r"^Failed to load resource: the server responded with a status of (400|404)",
    ]
    open_ready(page, order_page(site, bundle, destinations=[dest]))
    page.evaluate(PAGE_CALLS)
    page.evaluate("rudderanalytics.track('marker')")  # through both transformations too
    # The data plane answers the last request first and the first last: the page's order must
    # come from the page, not from the answers' order.
    transformer.release(page, 9, order=range(8, -1, -1))
    calls = heap_calls_until(page, "track", "marker")
    assert calls[-1][1][0] == "marker"
    assert calls[:-1] == expected_calls(propagate, site_transform)
    # Every message went through the data plane's transformation once, in the SDK's format.
    asked = [r["body"]["batch"][0]["event"] for r in transformer.requests]
    assert [(e["type"], e.get("event") or e.get("userId")) for e in asked] == [
        ("identify", "u1"),
        ("track", "Checkout Step"),
        ("track", "Cart Bundle"),
        ("track", "Internal Ping"),
        ("track", "Broken"),
        ("track", "Bad Request"),
        ("track", "Denied"),
        ("identify", "u2"),
        ("track", "marker"),
    ]
    first = transformer.requests[0]
    assert first["headers"]["authorization"].startswith("Basic ")
    assert first["body"]["batch"][0]["destinationIds"] == [HEAP_DEST["id"]]
    assert sorted(first["body"]) == ["batch", "metadata"]
