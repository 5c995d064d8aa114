"""heap_device.tools.testing's offline RudderStack, without a browser: which URLs it answers, how.

OfflineRudderStack reads a page only through route, is_closed, evaluate and wait_for_timeout; the
routes here are small stand-ins that keep what was answered (e2e/test_pytest_plugin.py loads the
official snippet through it in Chromium).
"""

import json

import pytest

from heap_device.tools import assets
from heap_device.tools.testing import (
    OfflineRudderStack,
    _rudderstack_url,
    answer_transform,
    custom_device_mode_destination,
    heap_destination,
    source_config,
    subset,
)


class Page:
    def __init__(self):
        self.routes = []

    def route(self, matcher, handler):
        self.routes.append((matcher, handler))

    def is_closed(self):
        return False

    def evaluate(self, script):
        return 0

    def wait_for_timeout(self, ms):
        pass


class Request:
    def __init__(self, url, method="GET", body=None, origin="https://shop.example"):
        self.url = url
        self.method = method
        self.post_data = None if body is None else json.dumps(body)
        self.headers = {"origin": origin} if origin else {}


class Route:
    def __init__(self, request):
        self.request = request
        self.answer = None

    def fulfill(self, status, content_type, body, headers=None):
        self.answer = {"status": status, "type": content_type, "body": body, "headers": headers}

    def fallback(self):
        self.answer = "fallback"


def ask(rudderstack, url, method="GET", body=None, origin="https://shop.example"):
    (matcher, handler), *_ = rudderstack.page.routes
    assert matcher(url), url
    route = Route(Request(url, method, body, origin))
    handler(route)
    return route.answer


def offline(config=None, transformation=None):
    return OfflineRudderStack(
        Page(), config or source_config(heap_destination()), transformation
    ).start()


@pytest.mark.parametrize(
    "url, kind",
    [
        ("https://cdn.rudderlabs.com/v3/modern/rsa.min.js", "sdk"),
        ("https://cdn.rudderlabs.com/v3/legacy/rsa.min.js", "sdk"),
        ("https://cdn.rudderlabs.com/v3/modern/js-integrations/Heap.min.js", "other"),
        ("https://cdn.rudderlabs.com/v1.1/rudder-analytics.min.js", "sdk v1.1"),
        ("https://cdn.rudderlabs.com/v1.1/rudder-analytics.js", "sdk v1.1"),
        ("https://cdn.rudderlabs.com/v1.1/js-integrations/Heap.min.js", "other"),
        ("https://cdn.rudderlabs.com/v1/rudder-analytics.min.js", "other"),
        ("https://api.rudderstack.com/sourceConfig/?p=cdn&v=3.34.1&writeKey=k", "config"),
        ("https://rs-config.shop.example/sourceConfig?writeKey=k", "config"),
        ("https://shopdataplane.dataplane.rudderstack.com/v1/track", "data plane"),
        ("https://events.shop.example/rudder/v1/batch", "data plane"),
        ("https://events.shop.example/beacon/v1/batch", "data plane"),
        ("https://events.shop.example/transform", "data plane"),
        ("https://events.shop.example/rsaMetrics", "data plane"),
        ("https://api.rudderstack.com/other", "other"),
        ("https://shop.example/v1/products", None),
        ("https://shop.example/checkout", None),
        ("https://cdn.us.heap-api.com/config/1/heap_config.js", None),
    ],
)
def test_which_urls_it_answers(url, kind):
    assert _rudderstack_url(url) == kind


def test_the_source_config_is_answered_with_cors_for_the_page():
    config = source_config(heap_destination("42", transformation=True))
    rudderstack = offline(config)
    answer = ask(rudderstack, "https://api.rudderstack.com/sourceConfig/?writeKey=k")
    assert answer["status"] == 200
    assert json.loads(answer["body"]) == config
    assert answer["headers"] == {
        "Access-Control-Allow-Origin": "https://shop.example",
        "Access-Control-Allow-Credentials": "true",
    }
    assert rudderstack.requests == [("GET", "https://api.rudderstack.com/sourceConfig/?writeKey=k")]


def test_the_data_plane_keeps_messages_one_by_one():
    rudderstack = offline()
    track = {"type": "track", "event": "Purchase", "properties": {"total": 32.5, "n": 1}}
    identify = {"type": "identify", "userId": "u1"}
    page_message = {"type": "page", "name": "Home", "properties": {}}
    dp = "https://dp.example"
    assert ask(rudderstack, dp + "/v1/identify", "POST", identify)["body"] == "OK"
    ask(rudderstack, dp + "/v1/batch", "POST", {"batch": [track, page_message], "sentAt": "t"})
    ask(rudderstack, dp + "/rsaMetrics", "POST", {"metrics": []})  # kept out of the messages
    assert rudderstack.messages == [identify, track, page_message]
    assert [path for path, _ in rudderstack.posts] == ["/v1/identify", "/v1/batch"]
    assert rudderstack.wait_for("track", "Purchase", subset({"total": 32.5})) == track
    assert rudderstack.wait_for("track", "Purchase", {"total": 32.5}, partial=True) == track
    with pytest.raises(AssertionError):
        rudderstack.wait_for("track", "Purchase", {"total": 32.5}, timeout=0)  # exact
    assert rudderstack.wait_for("page", "Home") == page_message
    assert rudderstack.wait_for("identify") == identify


def test_a_get_of_a_data_plane_path_is_left_to_the_site():
    assert ask(offline(), "https://shop.example/v1/track", "GET") == "fallback"


def test_what_rudderstack_gives_online_only_is_answered_404_and_listed():
    rudderstack = offline()
    url = "https://cdn.rudderlabs.com/v3/modern/js-integrations/Heap.min.js"
    assert ask(rudderstack, url)["status"] == 404
    assert rudderstack.unanswered == [url]
    with pytest.raises(AssertionError) as raised:
        rudderstack.wait_for("track", "Purchase", timeout=0)
    assert str(raised.value).splitlines() == [
        'RudderStack\'s data plane received no message("track", "Purchase") within 0 ms.',
        "It received nothing. Requests answered: GET " + url,
        "Answered 404 (nothing offline gives them): " + url,
    ]


def test_a_missing_message_lists_what_the_data_plane_got():
    rudderstack = offline()
    ask(rudderstack, "https://dp.example/v1/track", "POST", {"type": "track", "event": "A"})
    with pytest.raises(AssertionError) as raised:
        rudderstack.wait_for("track", "B", timeout=0)
    assert str(raised.value).splitlines()[1:] == [
        "It received 1 message:",
        '  1. ["track", "A"]',
    ]


def test_the_sdk_is_the_shipped_one_started_on_the_snippets_buffer():
    rudderstack = offline()
    answer = ask(rudderstack, "https://cdn.rudderlabs.com/v3/modern/rsa.min.js")
    body = answer["body"]
    assert answer["type"] == "text/javascript"
    assert assets.RUDDERSTACK_UMD.read_text(encoding="utf-8") in body
    assert body.startswith("(function () {\n  var buffered = window.rudderanalytics;\n")
    assert body.endswith("window.rudderanalytics = buffered;\n  new RudderAnalytics();\n})();\n")


def test_the_v1_1_sdk_is_the_shipped_one_started_on_the_v1_1_snippets_buffer():
    """npm's build of v1.1 is UMD: it gets an exports object of its own, so window.rudderanalytics
    still holds the snippet's buffer while it starts (e2e/test_offline_v1.py runs it)."""
    rudderstack = offline()
    answer = ask(rudderstack, "https://cdn.rudderlabs.com/v1.1/rudder-analytics.min.js")
    body = answer["body"]
    assert answer["status"] == 200 and answer["type"] == "text/javascript"
    assert assets.RUDDERSTACK_V1.read_text(encoding="utf-8") in body
    assert body.startswith(
        "(function () {\n  var sdk = {};\n  (function (exports, module, define) {\n"
    )
    assert body.endswith(
        "  }).call(window, sdk, { exports: sdk });\n  window.rudderanalytics = sdk;\n})();\n"
    )
    assert assets.RUDDERSTACK_UMD.read_text(encoding="utf-8") not in body
    assert rudderstack.unanswered == []


def transform_event(event, metadata):
    if event["event"] == "Split":
        return [dict(event, event="One"), dict(event, event="Two")]
    if event["event"] == "Drop":
        return None
    if event["event"] == "Broken":
        raise ValueError("no price")
    return dict(event, event=event["event"] + "!", messageId=metadata["messageId"])


def test_transform_answers_as_rudderstacks_device_mode_transformations():
    def batch(name):
        event = {"type": "track", "event": name, "messageId": "m1"}
        return {"metadata": {}, "batch": [{"orderNo": 5, "destinationIds": ["d1"], "event": event}]}

    def payload(name, transformation=transform_event):
        status, text = answer_transform(batch(name), transformation)
        assert status == 200
        (entry,) = json.loads(text)["transformedBatch"]
        assert entry["id"] == "d1"
        return [
            (p["status"], p.get("event", {}).get("event"), p["orderNo"]) for p in entry["payload"]
        ]

    assert payload("A") == [("200", "A!", 5)]
    assert payload("Split") == [("200", "One", 5), ("200", "Two", 5)]
    assert payload("Drop") == []
    assert payload("Broken") == [("400", None, 5)]
    assert payload("A", None) == [("200", "A", 5)]  # no transformation: as it came
    assert answer_transform("nonsense")[0] == 400


def test_transform_requests_are_kept_and_answered_through_the_route():
    rudderstack = offline(transformation=transform_event)
    body = {"batch": [{"orderNo": 1, "destinationIds": ["h"], "event": {"event": "A"}}]}
    answer = ask(rudderstack, "https://dp.example/transform", "POST", body)
    assert answer["status"] == 200
    assert json.loads(answer["body"])["transformedBatch"][0]["payload"][0]["event"]["event"] == "A!"
    assert rudderstack.transform_requests == [body]
    assert rudderstack.posts == []


def test_destinations_as_the_source_config_has_them():
    assert heap_destination("42", transformation=True, propagate_on_error=True, sdk="classic") == {
        "id": "heap-1",
        "name": "Heap.io",
        "enabled": True,
        "config": {"appId": "42", "connectionMode": "device", "sdk": "classic"},
        "destinationDefinition": {"name": "HEAP", "displayName": "Heap.io"},
        "shouldApplyDeviceModeTransformation": True,
        "propagateEventsUntransformedOnError": True,
    }
    custom = custom_device_mode_destination("cdm-1")
    assert custom["destinationDefinition"] == {
        "name": "CUSTOM_DEVICE_MODE",
        "displayName": "Custom Device Mode",
    }
    assert custom["config"] == {"connectionMode": "device"}
    assert custom["propagateEventsUntransformedOnError"] is False  # RudderStack's default: drop
    source = source_config(custom)["source"]
    assert source["destinations"] == [custom]
    assert source["config"] == {}  # no error or metrics reports
    assert source["enabled"] is True


def test_a_page_that_asked_rudderstack_for_nothing_is_told_so():
    with pytest.raises(AssertionError) as raised:
        offline().wait_for("identify", timeout=0)
    assert str(raised.value).splitlines() == [
        'RudderStack\'s data plane received no message("identify") within 0 ms.',
        "The page asked RudderStack for nothing: did it load the SDK (the loading snippet,",
        "or the npm package) before the test looked, and is the `rudderstack` fixture",
        "asked for before the page navigates?",
    ]
