"""RudderStack's own ways in (docs/contract.md §7, §8), through the real SDK v3 and its snippet.

- a "Custom Device Mode" destination, registered by the page or by data-destination-id on our tag;
- a page with both that and the "Heap.io" destination;
- consent withdrawn and given again mid-page;
- the loading snippet form for the main calls;
- sourceConfigurationOverride against the dashboard's config and data-options.
Heap's calls are read exactly from the recording stand-in.
"""

import pytest

from e2e.rs_pages import (
    APP_ID,
    CUSTOM_DEST,
    HEAP_DEST,
    calls_through_marker,
    open_ready,
    order_page,
)
from e2e.served import start_demo, stop_demo
from e2e.test_browser import settle_console

EARLY = [["identify", "e-1"], ["reset"], ["track", "early"]]
EARLY_CALLS = [["identify", ["e-1"]], ["resetIdentity", []], ["track", ["early", {}]]]
MAIN = """() => {
    rudderanalytics.identify('u-1', {plan: 'pro'});
    rudderanalytics.track('Bought', {n: 1});
    rudderanalytics.page('Docs', 'Pricing');
    rudderanalytics.group('acme', {seats: 3});
    rudderanalytics.alias('u-2');
    rudderanalytics.reset();
}"""
OPTIONS = {"appId": APP_ID, "trackPageCalls": True}


def assert_main_calls(calls):
    """The calls MAIN gives (page properties hold the page's URL: checked by their names)."""
    page_call = calls[3]
    assert page_call[0] == "track" and page_call[1][0] == "Page Viewed", calls
    assert page_call[1][1]["name"] == "Pricing" and page_call[1][1]["category"] == "Docs"
    assert calls[:3] + calls[4:] == [
        ["identify", ["u-1"]],
        ["addUserProperties", [{"plan": "pro"}]],
        ["track", ["Bought", {"n": 1}]],
        ["addUserProperties", [{"account_id": "acme"}]],
        ["addAccountProperties", [{"seats": 3}]],
        ["resetIdentity", []],
    ]


def loaded_once(page, watch, app_id=APP_ID):
    assert watch.heap_requests == ["https://cdn.us.heap-api.com/config/%s/heap_config.js" % app_id]
    assert page.evaluate("window.__heapLoadCount") == 1
    assert page.evaluate("window.__heapLoadedWith.envId") == app_id


# (id, page form, our tag, how the custom integration is registered)
CUSTOM_WAYS = [
    ("page-registers", "npm", "before", "page"),
    ("snippet-tag-before", "snippet", "before", "tag"),
    ("snippet-tag-after", "snippet", "after", "tag"),
]


@pytest.mark.parametrize(
    "form, tag, registered", [w[1:] for w in CUSTOM_WAYS], ids=[w[0] for w in CUSTOM_WAYS]
)
def test_custom_device_mode_destination(page, site, watch, runtime, form, tag, registered):
    url = order_page(
        site,
        runtime,
        form=form,
        tag=tag,
        destinations=[CUSTOM_DEST],
        options=OPTIONS,
        early=EARLY,
        destination_id=CUSTOM_DEST["id"] if registered == "tag" else None,
        register=[CUSTOM_DEST["id"]] if registered == "page" else (),
    )
    open_ready(page, url)
    calls = calls_through_marker(page, MAIN)
    assert calls[:3] == EARLY_CALLS
    assert_main_calls(calls[3:])
    loaded_once(page, watch)
    # Plain object, no `this`: what the SDK's addCustomIntegration accepts.
    shape = page.evaluate(
        """() => { const o = HeapDevice.customIntegration;
        return [Object.getPrototypeOf(o) === Object.prototype, Object.keys(o).sort(),
                Object.values(o).every(f => typeof f === 'function' && !/\\bthis\\b/.test(f))]; }"""
    )
    assert shape == [
        True,
        ["alias", "group", "identify", "init", "isReady", "page", "track"],
        True,
    ]


def test_the_snippet_form_drives_the_heap_io_destination(page, site, watch, runtime):
    open_ready(page, order_page(site, runtime, form="snippet", options=OPTIONS, early=EARLY))
    calls = calls_through_marker(page, MAIN)
    assert calls[:3] == EARLY_CALLS
    assert_main_calls(calls[3:])
    loaded_once(page, watch)


def test_both_destinations_load_heap_once_with_one_warning(page, site, watch, runtime):
    url = order_page(
        site,
        runtime,
        destinations=[HEAP_DEST, CUSTOM_DEST],
        options=OPTIONS,
        early=EARLY,
        register=[CUSTOM_DEST["id"]],
    )
    open_ready(page, url)
    calls = calls_through_marker(page, MAIN)
    assert calls[:3] == EARLY_CALLS  # each message once, though both destinations get it
    assert_main_calls(calls[3:])
    loaded_once(page, watch)
    settle_console(page)
    ours = [t for k, t in watch.console if k == "warning" and t.startswith("heap-device:")]
    assert len(ours) == 1 and "both" in ours[0] and "Custom Device Mode" in ours[0], ours


CONSENTED = {"enabled": True, "provider": "custom", "allowedConsentIds": ["analytics"]}
RULES = [{"provider": "custom", "consents": [{"consent": "analytics"}]}]
CONSENT_SCRIPT = """() => {
    rudderanalytics.track('a');
    rudderanalytics.consent({consentManagement: {allowedConsentIds: [],
        deniedConsentIds: ['analytics']}});
    rudderanalytics.track('b');
    rudderanalytics.consent({consentManagement: {allowedConsentIds: ['analytics']}});
    rudderanalytics.track('c');
}"""
A_B_C = [["track", ["a", {}]], ["track", ["b", {}]], ["track", ["c", {}]]]


@pytest.mark.parametrize(
    "form, kind", [("npm", "heap"), ("snippet", "heap"), ("npm", "custom")], ids=str
)
def test_consent_withdrawn_then_given_stops_then_starts_heap(
    page, site, watch, runtime, form, kind
):
    dest = HEAP_DEST if kind == "heap" else CUSTOM_DEST
    dest = {**dest, "config": {**dest["config"], "consentManagement": RULES}}
    url = order_page(
        site,
        runtime,
        form=form,
        destinations=[dest],
        options=OPTIONS,
        load_options={"consentManagement": CONSENTED},
        register=[dest["id"]] if kind == "custom" else (),
    )
    open_ready(page, url)
    calls = calls_through_marker(page, CONSENT_SCRIPT)
    # Mapped calls keep flowing; Heap stops capturing on its own in between.
    assert calls == [A_B_C[0], ["stopTracking", []], A_B_C[1], ["startTracking", []], A_B_C[2]]


def test_consent_without_consent_settings_changes_nothing(page, site, watch, runtime):
    url = order_page(site, runtime, options=OPTIONS, load_options={"consentManagement": CONSENTED})
    open_ready(page, url)
    assert calls_through_marker(page, CONSENT_SCRIPT) == A_B_C


def test_consent_withdrawn_on_the_classic_loader_is_one_warning(page, site, watch, runtime):
    dest = {**HEAP_DEST, "config": {**HEAP_DEST["config"], "consentManagement": RULES}}
    url = order_page(
        site,
        runtime,
        destinations=[dest],
        options={**OPTIONS, "sdk": "classic"},
        load_options={"consentManagement": CONSENTED},
    )
    open_ready(page, url)
    assert calls_through_marker(page, CONSENT_SCRIPT) == A_B_C
    settle_console(page)  # the warning is logged with the consent call's batch, before the marker
    ours = [t for k, t in watch.console if k == "warning" and t.startswith("heap-device:")]
    assert len(ours) == 1 and "classic loader has no stopTracking" in ours[0], ours


OVERRIDE = {
    "sourceConfigurationOverride": {"destinations": [{"id": "heap-1", "config": {"appId": "555"}}]}
}


@pytest.mark.parametrize(
    "options, app_id",
    [(None, "555"), ({"appId": "777"}, "777")],
    ids=["override-beats-dashboard", "data-options-beat-override"],
)
def test_source_configuration_override_sits_between_dashboard_and_data_options(
    page, site, watch, runtime, options, app_id
):
    open_ready(page, order_page(site, runtime, options=options, load_options=OVERRIDE))
    assert calls_through_marker(page, "rudderanalytics.track('t')") == [["track", ["t", {}]]]
    loaded_once(page, watch, app_id)


# ---- The demo's switch between the two ways in ------------------------------------------------


@pytest.fixture(scope="module")
def demo_server(tmp_path_factory):
    server = start_demo(tmp_path_factory.mktemp("demo-ways"))
    yield server
    stop_demo(server)


def test_the_demo_switches_between_the_two_ways_in(page, demo_server):
    from e2e.test_demo import Visit

    shown = {}
    for way in ("custom", "heap"):
        visit = Visit(page, demo_server.url.rstrip("/"))
        visit.open(demo_server.url + "?way=" + way)
        entry = visit.fire("group")
        shown[way] = Visit.calls(entry)
        current = page.evaluate("document.querySelector('#way a[aria-current]').dataset.way")
        assert current == way
        assert page.evaluate(
            "window.RudderStackGlobals['demo-write-key'].state"
            ".nativeDestinations.activeDestinations.value[0].displayName"
        ) == ("Custom Device Mode" if way == "custom" else "Heap.io")
        visit.check_clean()
        page.unroute("**/*")
    assert [c[0] for c in shown["custom"]] == ["addUserProperties", "addAccountProperties"]
    assert shown["custom"] == shown["heap"]
