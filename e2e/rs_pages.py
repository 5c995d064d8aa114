"""Pages that load the RudderStack SDK the ways sites do, for the ordering and ways-in tests.

- form "npm": `new RudderAnalytics()` from the UMD build (v3), or the v1.1 module;
- form "snippet": RudderStack's loading snippet (a stub array that buffers calls,
  web/rs-snippet.js), then the pinned SDK's ESM build started by a module script once the page
  is parsed.
Our tag goes before the SDK, or (tag="after") after the snippet and the page's calls.
The page driver is web/order-page.js; the calls it makes before the SDK has its config are data.
"""

import html
import json
import shutil

from e2e.conftest import NODE_MODULES

APP_ID = "1234567890"
V5_URL = "https://cdn.us.heap-api.com/config/%s/heap_config.js" % APP_ID
ESM = NODE_MODULES / "@rudderstack/analytics-js/dist/npm/modern/bundled/esm/index.mjs"
HEAP_DEST = {
    "kind": "heap",
    "id": "heap-1",
    "config": {"appId": APP_ID, "connectionMode": "device"},
}
CUSTOM_DEST = {"kind": "custom", "id": "cdm-1", "config": {"connectionMode": "device"}}


def order_page(
    site,
    bundle,
    *,
    sdk="v3",
    form="npm",
    destinations=(HEAP_DEST,),
    early=(),
    delay=0,
    load_options=None,
    options=None,
    tag="before",
    destination_id=None,
    register=(),
):
    """Write a page and return its URL."""
    if form == "snippet" and not (site.root / "vendor" / "v3.mjs").exists():
        shutil.copyfile(ESM, site.root / "vendor" / "v3.mjs")
    ours = site.snippet(bundle, options)
    if destination_id is not None:
        ours = ours.replace(
            "<script ", '<script data-destination-id="%s" ' % html.escape(destination_id), 1
        )
    cfg = {
        "sdk": sdk,
        "form": form,
        "destinations": list(destinations),
        "early": [list(call) for call in early],
        "configDelayMs": delay,
        "loadOptions": load_options or {},
        "register": list(register),
    }
    parts = ['<!doctype html><html><head><meta charset="utf-8"><link rel="icon" href="data:,">']
    if tag == "before":
        parts.append(ours)
    if form == "snippet":
        parts.append('<script src="/rs-snippet.js"></script>')
    else:
        parts.append('<script src="/vendor/%s.js"></script>' % sdk)
    parts.append('<script type="application/json" id="cfg">%s</script>' % json.dumps(cfg))
    parts.append('<script src="/order-page.js"></script>')
    if tag == "after":
        parts.append(ours)
    if form == "snippet":
        parts.append('<script type="module" src="/sdk-start.mjs"></script>')
    parts.append("</head><body><h1>heap-device ordering test</h1></body></html>\n")
    site._pages += 1
    name = "order-%d.html" % site._pages
    (site.root / name).write_text("\n".join(parts), encoding="utf-8")
    return site.origin + "/" + name


def open_ready(page, url, timeout=None):
    """Open ``url`` and wait until the SDK is ready, within ``timeout`` ms (the page's default).

    A page whose own script makes many calls reaches "load" only once they have all run: the
    caller gives the budget that work needs. (Not wait_until="commit": then the readiness check
    polls by eval in the page, which a strict CSP refuses; after load it is true at once.)
    """
    page.goto(url, timeout=timeout)
    page.wait_for_function("() => window.__rsReady === true", timeout=timeout)


def heap_calls_until(page, method, name=None, timeout=None):
    """Wait until Heap got `method` (with first argument `name`), then return all its calls."""
    page.wait_for_function(
        "([m, n]) => (window.__heapCalls || [])"
        ".some(c => c[0] === m && (n === null || c[1][0] === n))",
        arg=[method, name],
        timeout=timeout,
    )
    return page.evaluate("window.__heapCalls")


def calls_through_marker(page, script="", marker="marker"):
    """Run `script` after the SDK is ready, then a marker track; return Heap's calls before it."""
    if script:
        page.evaluate(script)
    page.evaluate("m => window.rudderanalytics.track(m)", marker)
    calls = heap_calls_until(page, "track", marker)
    assert calls[-1] == ["track", [marker, {}]], calls[-3:]
    return calls[:-1]
