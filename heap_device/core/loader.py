"""Which Heap loader to use and how to call it, as data (docs/contract.md §3).

The browser glue only carries this out: stub, `heap.load(appId, config)`, async script tag.
"""

# Methods each loader's stub queues until heap.js arrives (Heap's own snippets).
V5_METHODS = (
    "init",
    "startTracking",
    "stopTracking",
    "track",
    "resetIdentity",
    "identify",
    "identifyHashed",
    "getSessionId",
    "getUserId",
    "getIdentity",
    "addUserProperties",
    "addEventProperties",
    "removeEventProperty",
    "clearEventProperties",
    "addAccountProperties",
    "addAdapter",
    "addTransformer",
    "addTransformerFn",
    "onReady",
    "addPageviewProperties",
    "removePageviewProperty",
    "clearPageviewProperties",
    "trackPageview",
)
CLASSIC_METHODS = (
    "addEventProperties",
    "addUserProperties",
    "clearEventProperties",
    "identify",
    "resetIdentity",
    "removeEventProperty",
    "setEventProperties",
    "track",
    "unsetEventProperty",
)

# Settings passed through to heap.load when set.
LOAD_OPTIONS = ("disableTextCapture", "secureCookie", "ingestServer", "trackingServer")


def script_url(settings):
    """The heap.js URL for these settings: scriptUrl, else the chosen loader's CDN or own host."""
    if settings.get("scriptUrl"):
        return settings["scriptUrl"]
    app_id = settings["appId"]
    host = settings.get("hostname")
    if settings["sdk"] == "classic":
        return "https://%s/js/heap-%s.js" % (host or "cdn.heapanalytics.com", app_id)
    return "https://%s/config/%s/heap_config.js" % (host or "cdn.us.heap-api.com", app_id)


def loader_plan(settings):
    """Everything the glue needs to load Heap: stub kind and methods, URL, heap.load arguments."""
    config = {}
    for key in LOAD_OPTIONS:
        value = settings.get(key)
        if value is not None and value is not False:
            config[key] = value
    v5 = settings["sdk"] == "v5"
    if v5:
        config["shouldFetchServerConfig"] = False
    return {
        "sdk": settings["sdk"],
        "appId": settings["appId"],
        "src": script_url(settings),
        "config": config,
        "methods": list(V5_METHODS if v5 else CLASSIC_METHODS),
    }


def has_method(settings, method):
    """Whether the chosen loader's stub offers `method` before heap.js arrives."""
    return method in (V5_METHODS if settings["sdk"] == "v5" else CLASSIC_METHODS)
