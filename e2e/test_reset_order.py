"""reset() keeps its place among the page's calls (docs/contract.md §4.6, §6), via the real SDKs.

The SDK never hands reset() to an integration and delivers messages late (it buffers calls until it
has its config and its destinations are ready), so the adapter logs the page's calls in page order.
Each test asserts Heap's exact call sequence (from the recording stand-in) on every bundle.
"""

import pytest

from e2e.conftest import wait_until
from e2e.rs_pages import (
    HEAP_DEST,
    V5_URL,
    calls_through_marker,
    heap_calls_until,
    open_ready,
    order_page,
)
from e2e.test_browser import settle_console

IDENTIFY = "identify"
# Pages that make 1,000 calls: each costs the SDK milliseconds of cookie and storage work before
# anything reaches us (about 20 s a page on this 2-core machine when quiet, 3 times that loaded).
MANY_CALLS_MS = 300_000
RESET = ["resetIdentity", []]


def ident(user):
    return [IDENTIFY, [user]]


def track(name, props=None):
    return ["track", [name, props or {}]]


# (id, sdk, form, source config delay in ms)
WAYS = [
    ("v3-npm", "v3", "npm", 0),
    ("v3-npm-late-config", "v3", "npm", 300),
    ("v3-snippet", "v3", "snippet", 0),
    ("v3-snippet-late-config", "v3", "snippet", 300),
    ("v1.1", "v1", "npm", 0),
    ("v1.1-late-config", "v1", "npm", 300),
]


@pytest.mark.parametrize("sdk, form, delay", [w[1:] for w in WAYS], ids=[w[0] for w in WAYS])
def test_reset_keeps_its_place_before_and_after_the_sdk_is_ready(
    page, site, watch, runtime, sdk, form, delay
):
    # The page's own script, before the SDK has its config: the SDK buffers all of it.
    early = [
        ["identify", "u_0"],
        ["identify", "u_1"],  # a different user: the SDK resets itself, Heap gets no reset
        ["track", "before"],
        ["reset"],
        ["identify", "v"],  # a different user right after a reset: one identify, one reset
        ["track", "after", {}, "__callback"],  # the page's own callback still runs
        ["reset", True],  # reset(true), a new anonymous id too: the same for Heap
        ["track", "last"],
    ]
    open_ready(page, order_page(site, runtime, sdk=sdk, form=form, early=early, delay=delay))
    expected_early = [
        ident("u_0"),
        ident("u_1"),
        track("before"),
        RESET,
        ident("v"),
        track("after"),
        RESET,
        track("last"),
    ]
    # Once the SDK is ready, calls go straight through: the same order.
    calls = calls_through_marker(
        page,
        """() => {
        rudderanalytics.identify('w_0');
        rudderanalytics.track('live before');
        rudderanalytics.reset();
        rudderanalytics.identify('w_1');
        rudderanalytics.identify('w_2');
        rudderanalytics.reset(true);
    }""",
    )
    assert calls == expected_early + [
        ident("w_0"),
        track("live before"),
        RESET,
        ident("w_1"),
        ident("w_2"),
        RESET,
    ]
    assert page.evaluate("window.__callbacks") == ["after"]
    assert watch.heap_requests == [V5_URL]


FILTERED = {
    **HEAP_DEST,
    "config": {
        **HEAP_DEST["config"],
        "eventFilteringOption": "blacklistedEvents",
        "blacklistedEvents": [{"eventName": "hidden"}],
    },
}


@pytest.mark.parametrize("sdk, form", [("v3", "npm"), ("v3", "snippet"), ("v1", "npm")])
def test_a_last_reset_arrives_with_no_message_after_it(page, site, watch, runtime, sdk, form):
    # The call before the reset is filtered out by the destination's event filter, and nothing
    # follows the reset: it must still reach Heap once nothing earlier can come.
    early = [["identify", "u_0"], ["track", "hidden"], ["reset"]]
    url = order_page(site, runtime, sdk=sdk, form=form, destinations=[FILTERED], early=early)
    open_ready(page, url)
    assert heap_calls_until(page, "resetIdentity") == [ident("u_0"), RESET]
    # The same once the SDK is ready.
    page.evaluate("rudderanalytics.identify('u_1'); rudderanalytics.track('hidden');")
    page.evaluate("rudderanalytics.reset()")
    page.wait_for_function(
        "() => (window.__heapCalls || []).filter(c => c[0] === 'resetIdentity').length === 2"
    )
    assert page.evaluate("window.__heapCalls") == [ident("u_0"), RESET, ident("u_1"), RESET]


def test_a_reset_is_never_dropped_by_the_queue_cap(page, site, watch, runtime):
    # The runtime's .wasm is held back while 1,003 messages wait, more than the adapter's cap of
    # 1,000: the oldest go, but never the reset (here the second oldest), and Heap ends as the
    # page's calls say.
    held = []
    page.route("**/*.wasm", lambda r: held.append(r))
    open_ready(page, order_page(site, runtime))
    page.evaluate(
        """() => {
        rudderanalytics.identify('a');
        rudderanalytics.reset();
        for (let i = 0; i < 1000; i++) rudderanalytics.identify('u_' + i);
        rudderanalytics.track('after');
    }"""
    )
    wait_until(page, lambda: held, "the runtime never asked for its .wasm", MANY_CALLS_MS)
    for request in held:
        request.continue_()
    page.unroute("**/*.wasm")
    calls = heap_calls_until(page, "track", "after", timeout=MANY_CALLS_MS)
    assert calls == [RESET] + [ident("u_%d" % i) for i in range(2, 1000)] + [track("after")]
    settle_console(page)  # the adapter warned as it queued, during the evaluate above
    warnings = [t for k, t in watch.console if k == "warning" and t.startswith("heap-device:")]
    assert len(warnings) == 1 and "oldest are dropped" in warnings[0], warnings


def test_a_reset_after_more_calls_than_the_sdk_keeps_reaches_heap_last(page, site, watch, runtime):
    # The page's own script makes 1,000 identify calls and then logs out, before the SDK has its
    # config. The SDK's destination queue keeps the newest 100 messages; the reset comes after them.
    early = [["identify", "u_%d" % i] for i in range(1000)] + [["reset"], ["track", "after"]]
    open_ready(page, order_page(site, runtime, early=early), timeout=MANY_CALLS_MS)
    calls = heap_calls_until(page, "track", "after", timeout=MANY_CALLS_MS)
    assert calls == [ident("u_%d" % i) for i in range(901, 1000)] + [RESET, track("after")]
