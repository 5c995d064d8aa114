"""RudderStack's own Device Mode Transformations keep working through heap-device (issue 16 item 6).

With ``shouldApplyDeviceModeTransformation`` on the Heap.io destination, the SDK v3 (its bundled
build carries the DeviceModeTransformation plugin) does not hand the destination a message at
once: it POSTs it to ``<dataPlaneUrl>/transform`` and hands over what comes back. Read from
``dist/npm/modern/bundled/umd/index.js`` (``createPayload``, ``sendTransformedEventToDestinations``):

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

import pytest

from e2e.rs_pages import HEAP_DEST, calls_through_marker, open_ready, order_page

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
    """``POST /transform`` as RudderStack's data plane answers it; keeps every request body."""

    def __init__(self, transform):
        self.transform = transform
        self.requests = []

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
        status, text = self.answer(body)
        route.fulfill(status=status, content_type="application/json", body=text)


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
    rudderanalytics.track('Internal Ping');
    rudderanalytics.reset();
    rudderanalytics.track('Broken', {price: null});
    rudderanalytics.track('Bad Request');
    rudderanalytics.track('Denied');
    rudderanalytics.identify('u2');
}"""


@pytest.mark.parametrize("propagate", [True, False], ids=["propagate", "no-propagate"])
def test_transformed_events_reach_heap_in_the_pages_order(page, site, watch, propagate):
    transformer = DataPlaneTransformer(transform_event)
    page.route(site.origin + "/transform", transformer.route)
    dest = {
        **HEAP_DEST,
        "shouldApplyDeviceModeTransformation": True,
        "propagateEventsUntransformedOnError": propagate,
    }
    # The SDK logs the failed transformations (a warning, or an error when it drops the event).
    watch.expected_errors.append(r"DeviceModeTransformationPlugin.*Dropping the event")
    open_ready(page, order_page(site, BUNDLE, destinations=[dest]))
    calls = calls_through_marker(page, PAGE_CALLS)
    failed_untransformed = [track("Broken"), track("Bad Request")] if propagate else []
    assert calls == [
        ["identify", ["u1"]],
        track("Checkout Step Viewed", {"step": 2}),
        track("Cart Item Added", {"items": 3}),
        track("Cart Viewed", {"items": 3}),
        # Internal Ping: dropped by the transformation
        ["resetIdentity", []],
        *failed_untransformed,
        track("Denied"),  # 404: the SDK hands over the untransformed message
        ["identify", ["u2"]],
    ]
    # Every message went through the data plane's transformer, once, with the SDK's format.
    names = [r["body"]["batch"][0]["event"].get("event") for r in transformer.requests]
    assert [n for n in names if n] == [
        "Checkout Step",
        "Cart Bundle",
        "Internal Ping",
        "Broken",
        "Bad Request",
        "Denied",
        "marker",
    ]
    first = transformer.requests[0]
    assert first["headers"]["authorization"].startswith("Basic ")
    assert first["body"]["batch"][0]["destinationIds"] == [HEAP_DEST["id"]]
