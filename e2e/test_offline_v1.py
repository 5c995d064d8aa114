"""The offline RudderStack (the `rudderstack` fixture) on a site still on the v1.1 loading snippet.

The snippet is RudderStack's own, unchanged: it buffers the page's calls and adds
https://cdn.rudderlabs.com/v1.1/rudder-analytics.min.js. The fixture answers that URL with the
v1.1 SDK heap-device ships (tests/test_testing_rudderstack.py checks the file without a browser),
the source config and the data plane; heap-device's tag comes from the local site, and Heap's
script is the stand-in (`heap_calls`). One browser, MicroPython.
"""

import json

from e2e.test_pytest_plugin import HEAD
from e2e.test_pytest_plugin import SHOP_CALLS as SHOP  # made before the SDK has arrived
from heap_device.tools.testing import subset

# RudderStack's v1.1 loading snippet, as its docs gave it to sites (one line there), with a
# production write key and data plane: nothing in it points at a test server.
V1_SNIPPET = """<script type="text/javascript">
!function(){var e=window.rudderanalytics=window.rudderanalytics||[];e.methods=["load","page",
"track","identify","alias","group","ready","reset","getAnonymousId","setAnonymousId","getUserId",
"getUserTraits","getGroupId","getGroupTraits","startSession","endSession","getSessionId"],
e.factory=function(t){return function(){e.push([t].concat(Array.prototype.slice.call(arguments)))}};
for(var t=0;t<e.methods.length;t++){var r=e.methods[t];e[r]=e.factory(r)}e.loadJS=function(e,t){
var r=document.createElement("script");r.type="text/javascript",r.async=!0,
r.src="https://cdn.rudderlabs.com/v1.1/rudder-analytics.min.js";
var a=document.getElementsByTagName("script")[0];a.parentNode.insertBefore(r,a)},e.loadJS(),
e.load("2bEsvPzSgeJwyoLYuxSvk3iXKyF","https://shopxyz.dataplane.rudderstack.com"),e.page()}();
</script>
"""
SDK_URL = "https://cdn.rudderlabs.com/v1.1/rudder-analytics.min.js"
DATA_PLANE = "https://shopxyz.dataplane.rudderstack.com"


def test_the_v1_1_loading_snippet_reaches_heap_offline(page, site, rudderstack, heap_calls):
    errors = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    (site.root / "shop-v1.html").write_text(
        HEAD + site.snippet("micropython") + V1_SNIPPET + SHOP, encoding="utf-8"
    )
    page.goto(site.origin + "/shop-v1.html")
    heap_calls.wait_for("identify", "shopper-9", timeout=30_000)
    page.click("#pay")
    heap_calls.wait_for("track", "Order Completed", {"total": 42.5, "currency": "EUR"})
    assert heap_calls.calls[:2] == [
        ["identify", "shopper-9"],
        ["addUserProperties", {"plan": "pro"}],
    ]
    sent = rudderstack.wait_for("track", "Order Completed", subset({"total": 42.5}))
    assert sent["context"]["library"]["name"] == "RudderLabs JavaScript SDK"
    assert rudderstack.wait_for("identify")["userId"] == "shopper-9"
    asked = [url.split("?")[0] for method, url in rudderstack.requests if method == "GET"]
    assert asked == [SDK_URL, "https://api.rudderstack.com/sourceConfig/"]
    posted = {url for method, url in rudderstack.requests if method == "POST"}
    assert posted <= {DATA_PLANE + "/v1/" + kind for kind in ("page", "identify", "track")}
    assert rudderstack.unanswered == []
    # Once started, the page's rudderanalytics is the SDK's, as the CDN file leaves it.
    assert page.evaluate("Array.isArray(window.rudderanalytics)") is False
    assert errors == [], json.dumps(errors)
