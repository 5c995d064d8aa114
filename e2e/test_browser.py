"""The product in a real browser: RudderStack SDK -> heap-device.js -> Python -> window.heap.

Each test loads one page and checks many things on it: Pyodide boots for seconds per page load.
Heap calls are read from the stand-in heap.js (static/demo/heap-standin.js) as JSON-cloned
[method, args].
"""

import itertools

import pytest

from e2e.conftest import wait_until
from heap_device.tools.output import entry_file

APP_ID = "1234567890"
V5_URL = "https://cdn.us.heap-api.com/config/%s/heap_config.js" % APP_ID
CLASSIC_URL = "https://cdn.heapanalytics.com/js/heap-%s.js" % APP_ID
DEST = {"appId": APP_ID, "connectionMode": "device"}
ISO = "2024-01-02T03:04:05.000Z"
_markers = itertools.count()


def open_page(page, url):
    page.goto(url)
    page.wait_for_function("() => window.__rsReady === true")


def heap_calls(page, script):
    """Run ``script`` in the page, then return the Heap calls it caused, in order.

    A marker track call follows the script through the whole chain; once Heap has it, every call
    the script caused has arrived too (one queue, in order).
    """
    start = page.evaluate("(window.__heapCalls || []).length")
    page.evaluate(script)
    marker = "marker %d" % next(_markers)
    page.evaluate("m => window.rudderanalytics.track(m)", marker)
    page.wait_for_function(
        "m => (window.__heapCalls || []).some(c => c[0] === 'track' && c[1][0] === m)", arg=marker
    )
    calls = page.evaluate("window.__heapCalls")[start:]
    assert calls[-1] == ["track", [marker, {}]]
    return calls[:-1]


def settle_console(page):
    """Wait until every console line the page wrote so far has reached this process.

    Console lines arrive in order, so once a marker logged now has arrived, the test may assert
    that a line is absent (no second error, no second warning) without guessing a delay.
    """
    marker = "heap-device-test: console marker %d" % next(_markers)
    with page.expect_console_message(lambda line: line.text == marker):
        page.evaluate("m => console.log(m)", marker)


def our_errors(watch):
    return [e for e in watch.console_errors() if e.startswith("heap-device:")]


def wait_for_our_error(page, watch):
    """Poll (this process sees the console) until heap-device has said its error."""
    wait_until(page, lambda: our_errors(watch), lambda: watch.console)


def wait_for_post(page, site, *texts):
    """Poll until the SDK's data plane got a POST from this page whose body holds each of
    ``texts``. The page's URL (in the message's context) is one: earlier tests' pages, other
    runtimes of the same test among them, posted the same names to the same data plane."""
    texts = (page.url, *texts)
    wait_until(
        page,
        lambda: any(all(t in body for t in texts) for _, body in site.posts),
        "the SDK's data-plane POST never came: %r" % (texts,),
    )


HEAP_SCRIPT_TAGS = (
    'document.querySelectorAll(\'script[src*="heap_config"], script[src*="heapanalytics"]\').length'
)


def assert_plain_and_loaded_once(page):
    assert page.evaluate("window.__heapNotPlain || 0") == 0, "Heap received Python proxies"
    assert page.evaluate("window.__heapLoadCount") == 1


def test_v5_page_maps_every_call(page, site, watch, runtime):
    # The interpreter's .wasm waits until the SDK is ready: the 300 calls its ready callback fires
    # surely come before Python runs (a fast start once took the queue first, and the test proved
    # nothing). Then all of them arrive, in order.
    release = site.hold(".wasm")
    try:
        open_page(page, site.page(runtime, DEST, early=300))
        assert page.evaluate("window.__earlyBeforePython") is True
    finally:
        release()
    page.wait_for_function("() => (window.__heapCalls || []).length >= 300")
    early = page.evaluate("window.__heapCalls")[:300]
    assert early == [["track", ["early %d" % i, {"i": i}]] for i in range(300)]

    # A placeholder identity is refused, with a warning (logged on the page before the marker's
    # call: once the console has settled, it has reached this process).
    assert heap_calls(page, "rudderanalytics.identify('Anonymous')") == []
    settle_console(page)
    warnings = [text for kind, text in watch.console if kind == "warning"]
    assert any("anonymous" in text.lower() for text in warnings), warnings

    calls = heap_calls(
        page,
        """() => {
        const when = new Date(Date.UTC(2024, 0, 2, 3, 4, 5));
        rudderanalytics.identify('  u-1 ', {plan: 'pro', age: 42, vip: true, user_id: 'dropped',
            address: {city: 'Paris', zip: null}, tags: ['a', 'b'], signedUp: when});
        rudderanalytics.track('Order Completed', {total: 99.5, count: 2, ok: true,
            nested: {a: {b: 1}}, items: ['x', 1, true], mixed: [{sku: 's1'}], when: when,
            nothing: null, empty: {}, none: [], missing: undefined});
        rudderanalytics.page('Docs', 'Pricing', {plan: 'pro'});
        rudderanalytics.group('acme-1', {name: 'Acme', plan: {tier: 'gold'}, seats: 10});
        rudderanalytics.alias('new-id');
        rudderanalytics.reset();
    }""",
    )
    assert calls == [
        ["identify", ["u-1"]],
        [
            "addUserProperties",
            [
                {
                    "plan": "pro",
                    "age": 42,
                    "vip": "true",
                    "address.city": "Paris",
                    "tags": "a||b",
                    "signedUp": ISO,
                }
            ],
        ],
        [
            "track",
            [
                "Order Completed",
                {
                    "total": 99.5,
                    "count": 2,
                    "ok": True,
                    "nested.a.b": 1,
                    "items": "x||1||true",
                    "mixed": '[{"sku":"s1"}]',
                    "when": ISO,
                },
            ],
        ],
        # page: off by default; alias: Heap has none.
        ["addUserProperties", [{"account_id": "acme-1"}]],
        ["addAccountProperties", [{"name": "Acme", "plan.tier": "gold", "seats": 10}]],
        ["resetIdentity", []],
    ]

    # The adapter's own serialisation (docs/contract.md §5), called as the SDK would, with values
    # the SDK's own code would choke on: cycles, BigInt, NaN/Infinity, functions, symbols.
    calls = heap_calls(
        page,
        """() => {
        const shared = {k: 'v'};
        const o = {name: 'loop', when: new Date(Date.UTC(2024, 0, 2, 3, 4, 5)),
            big: BigInt('12345678901234567890'), nan: NaN, inf: -Infinity, fn() {},
            sym: Symbol('s'), a: shared, b: shared, list: [1, undefined, 2]};
        o.self = o;
        o.child = {parent: o, ok: 1};
        Heap_RS.Heap.prototype.track.call(null,
            {message: {type: 'track', event: 'Direct', properties: o}});
    }""",
    )
    assert calls == [
        [
            "track",
            [
                "Direct",
                {
                    "name": "loop",
                    "when": ISO,
                    "big": "12345678901234567890",
                    "a.k": "v",
                    "b.k": "v",
                    "list": "1||2",
                    "child.ok": 1,
                },
            ],
        ]
    ]

    # Later keys win when flattened names collide: on MicroPython the core re-reads such a
    # message in order (order.decode_ordered), and Heap must still get plain objects.
    calls = heap_calls(page, "rudderanalytics.track('Order', {'a.b': 1, a: {b: 2}, z: 'last'})")
    assert calls == [["track", ["Order", {"a.b": 2, "z": "last"}]]]

    # A failing message (here Heap itself throws) is logged once, with its type; the next goes on.
    watch.expected_errors.append(r"^heap-device: could not handle a track message: .*Boom")
    calls = heap_calls(
        page,
        """() => {
        const track = window.heap.track;
        window.heap.track = function (name) {
            if (name === 'Boom') throw new Error('Boom from Heap');
            return track.apply(this, arguments);
        };
        rudderanalytics.track('Boom');
        rudderanalytics.track('After Boom');
    }""",
    )
    assert calls == [["track", ["After Boom", {}]]]
    settle_console(page)
    failures = [e for e in watch.console_errors() if "could not handle" in e]
    assert len(failures) == 1, failures

    assert watch.heap_requests == [V5_URL]
    assert page.evaluate("window.__heapLoadedWith.envId") == APP_ID
    assert page.evaluate("window.__heapLoadedWith.clientConfig.shouldFetchServerConfig") is False
    assert_plain_and_loaded_once(page)


def test_classic_loader_from_tag_options_with_page_calls(page, site, watch, runtime):
    options = {"sdk": "classic", "hostname": "heap.example.test", "trackPageCalls": True}
    open_page(page, site.page(runtime, DEST, options=options))
    calls = heap_calls(
        page,
        """() => {
        rudderanalytics.identify('u-2');
        rudderanalytics.page('Docs', 'Pricing', {plan: 'pro', extra: {depth: 2}});
    }""",
    )
    assert calls[0] == ["identify", ["u-2"]]
    assert [c[0] for c in calls] == ["identify", "track"]
    name, props = calls[1][1]
    assert name == "Page Viewed"
    assert props["plan"] == "pro" and props["extra.depth"] == 2 and props["name"] == "Pricing"
    assert all(isinstance(v, str | int | float | bool) for v in props.values()), props
    assert watch.heap_requests == ["https://heap.example.test/js/heap-%s.js" % APP_ID]
    assert page.evaluate("window.__heapLoadedWith.appid") == APP_ID
    assert_plain_and_loaded_once(page)


@pytest.mark.parametrize(
    "options, url",
    [
        (
            {"hostname": "heap.example.test"},
            "https://heap.example.test/config/%s/heap_config.js" % APP_ID,
        ),
        ({"sdk": "classic"}, CLASSIC_URL),
    ],
    ids=["v5-own-host", "classic-cdn"],
)
def test_heap_script_requested_once_from_the_right_url(page, site, watch, runtime, options, url):
    open_page(page, site.page(runtime, {**DEST, **options}))
    assert heap_calls(page, "rudderanalytics.track('Loaded', {n: 1})") == [
        ["track", ["Loaded", {"n": 1}]]
    ]
    assert watch.heap_requests == [url]
    assert_plain_and_loaded_once(page)
    # docs/contract.md §3: the script tag is async (the default for inserted scripts: this
    # catches it turned off)
    tags = page.evaluate(
        "url => Array.from(document.scripts).filter(s => s.src === url).map(s => s.async)", url
    )
    assert tags == [True]


def test_v11_sdk_drives_it_too(page, site, watch, runtime):
    open_page(page, site.page(runtime, DEST, sdk="v1"))
    calls = heap_calls(
        page,
        """() => {
        rudderanalytics.identify('u-9', {plan: 'pro'});
        rudderanalytics.track('Signed Up', {n: 1, tags: ['a', 'b']});
        rudderanalytics.reset();
    }""",
    )
    assert calls == [
        ["identify", ["u-9"]],
        ["addUserProperties", [{"plan": "pro"}]],
        ["track", ["Signed Up", {"n": 1, "tags": "a||b"}]],
        ["resetIdentity", []],
    ]
    assert watch.heap_requests == [V5_URL]
    assert_plain_and_loaded_once(page)


def test_bad_app_id_loads_no_heap_and_spares_the_data_plane(page, site, watch, runtime):
    watch.expected_errors.append(r"^heap-device: .*appId")
    open_page(page, site.page(runtime, {"appId": "12ab", "connectionMode": "device"}))
    page.wait_for_function("() => window.Heap_RS.running === true")
    page.evaluate("rudderanalytics.track('After Bad App Id')")
    wait_for_post(page, site, "After Bad App Id")
    wait_for_our_error(page, watch)
    settle_console(page)
    ours = our_errors(watch)
    assert len(ours) == 1 and "12ab" in ours[0], watch.console
    # Heap's script tag is written in the same step as the settings' verdict: none exists.
    assert page.evaluate(HEAP_SCRIPT_TAGS) == 0
    assert watch.heap_requests == []
    assert page.evaluate("window.__heapCalls") is None


def test_existing_heap_is_reused_and_a_second_copy_is_inert(page, site, watch):
    # The page already runs Heap (here: the stand-in, loaded by the page itself), and includes
    # our tag twice.
    head = '<script src="/heap-standin.js"></script>\n' + site.snippet("micropython")
    open_page(page, site.page("micropython", {**DEST, "debug": True}, head=head))
    assert heap_calls(page, "rudderanalytics.track('Once', {n: 1})") == [
        ["track", ["Once", {"n": 1}]]
    ]
    assert watch.heap_requests == []
    settle_console(page)
    logs = [text for _, text in watch.console if text.startswith("heap-device:")]
    assert any("already has Heap" in text for text in logs), logs
    # docs/contract.md §2, debug: each message is logged with the Heap calls it produced
    assert 'heap-device: track -> [["track", ["Once", {"n": 1}]]]' in logs, logs
    # One runtime started: the second copy of the tag started no second worker.
    started = "performance.getEntriesByType('resource').filter(e => /-runtime/.test(e.name))"
    assert page.evaluate(started + ".length") == 1


# Heap's own install snippets, as a site would have pasted them (same shape, written here): the
# stub queues calls, load() records the ID and adds the script tag.
HEAP_OWN_SNIPPET = {
    "v5": """window.heapReadyCb = window.heapReadyCb || []; window.heap = window.heap || [];
heap.load = function (id, config) {
  heap.envId = id; heap.clientConfig = config || {};
  heap.clientConfig.shouldFetchServerConfig = false;
  var s = document.createElement('script'); s.async = true;
  s.src = 'https://cdn.us.heap-api.com/config/' + id + '/heap_config.js';
  document.head.appendChild(s);
  ['identify', 'addUserProperties', 'track', 'addAccountProperties', 'resetIdentity'].forEach(
    function (m) { heap[m] = function () { var a = [].slice.call(arguments);
      heapReadyCb.push({name: m, fn: function () { heap[m].apply(heap, a); }}); }; });
};
heap.load('%s');""",
    "classic": """window.heap = window.heap || [];
heap.load = function (id, config) {
  heap.appid = id; heap.config = config || {};
  var s = document.createElement('script'); s.async = true;
  s.src = 'https://cdn.heapanalytics.com/js/heap-' + id + '.js';
  document.head.appendChild(s);
  ['identify', 'addUserProperties', 'track', 'addAccountProperties', 'resetIdentity'].forEach(
    function (m) { heap[m] = function () { heap.push([m].concat([].slice.call(arguments))); }; });
};
heap.load('%s');""",
}


@pytest.mark.parametrize("sdk, url", [("v5", V5_URL), ("classic", CLASSIC_URL)])
def test_heaps_own_snippet_on_the_page_means_heap_loads_once(page, site, watch, sdk, url):
    head = "<script>%s</script>\n" % (HEAP_OWN_SNIPPET[sdk] % APP_ID)
    open_page(page, site.page("micropython", {**DEST, "sdk": sdk}, head=head))
    calls = heap_calls(
        page, "rudderanalytics.identify('u-3'); rudderanalytics.track('Once', {n: 1})"
    )
    assert calls == [["identify", ["u-3"]], ["track", ["Once", {"n": 1}]]]
    assert watch.heap_requests == [url]
    assert_plain_and_loaded_once(page)


@pytest.mark.parametrize("status", [404, 0], ids=["404", "aborted"])
@pytest.mark.parametrize("sdk, url", [("v5", V5_URL), ("classic", CLASSIC_URL)])
def test_blocked_heap_script_only_warns_and_calls_wait_in_heaps_queue(
    page, site, watch, status, sdk, url
):
    # An ad blocker (aborted request) or a missing script (404): Chromium's own line is expected.
    watch.heap_status = status
    watch.expected_errors.append(r"^Failed to load resource: ")
    open_page(page, site.page("micropython", {**DEST, "sdk": sdk}))
    page.wait_for_function("() => window.Heap_RS.running === true")
    # The second track is a marker: calls arrive in order, so once it waits in Heap's queue,
    # everything the first two calls caused is there too.
    page.evaluate(
        "rudderanalytics.identify('u-1', {plan: 'pro'}); rudderanalytics.track('Down'); "
        "rudderanalytics.track('Marker')"
    )
    queued = (
        "(window.heapReadyCb || []).map(e => e.name)"
        if sdk == "v5"
        else "Array.from(window.heap).map(e => e[0])"
    )
    page.wait_for_function("() => (%s).length >= 4" % queued)
    page.wait_for_function(
        "u => document.querySelector('script[src=\"' + u + '\"]') !== null", arg=url
    )
    assert page.evaluate(queued) == ["identify", "addUserProperties", "track", "track"]
    wait_until(
        page,
        lambda: [t for kind, t in watch.console if kind == "warning" and "could not load" in t],
        lambda: watch.console,
    )
    settle_console(page)
    warnings = [text for kind, text in watch.console if kind == "warning"]
    ours = [t for t in warnings if t.startswith("heap-device:")]
    assert ours == ["heap-device: could not load %s (blocked or offline?); Heap is off" % url]
    assert watch.heap_requests == [url]
    assert page.evaluate("window.__heapCalls") is None


def test_invalid_data_options_is_one_clear_error(page, site, watch):
    watch.expected_errors.append(r"^heap-device: the script tag's data-options is not valid JSON")
    entry = entry_file(site.root / "micropython").name
    head = '<script src="/micropython/%s" data-options="{nope"></script>\n' % entry
    open_page(page, site.page("micropython", DEST, head=head))
    page.wait_for_function("() => window.Heap_RS.running === true")
    page.evaluate("rudderanalytics.track('Ignored')")
    wait_for_our_error(page, watch)
    settle_console(page)
    assert len(our_errors(watch)) == 1
    assert page.evaluate(HEAP_SCRIPT_TAGS) == 0
    assert watch.heap_requests == []


# The page's policy for the default build (docs/security.md). As a <meta> tag it binds the page
# only; e2e/test_worker.py sends it as a real header, which binds the worker too.
WORKER_CSP = (
    '<meta http-equiv="Content-Security-Policy" content="default-src \'self\'; '
    "script-src 'self' 'wasm-unsafe-eval' https://cdn.us.heap-api.com; worker-src 'self'; "
    "connect-src 'self' https://*.heap-api.com; object-src 'none'\">\n"
)


# The smallest policy the PyScript build runs under: PyScript's core builds functions from text
# (Function(...)) on every boot, so it needs 'unsafe-eval' on top (docs/security.md).
PYSCRIPT_CSP = WORKER_CSP.replace("'wasm-unsafe-eval'", "'wasm-unsafe-eval' 'unsafe-eval'")


@pytest.mark.parametrize(
    "bundle, policy",
    [
        ("micropython", WORKER_CSP),
        ("pyscript", PYSCRIPT_CSP),
        ("pyscript-pyodide", PYSCRIPT_CSP),
    ],
    ids=["worker", "pyscript-micropython-unsafe-eval", "pyscript-pyodide-unsafe-eval"],
)
def test_runs_under_the_documented_csp(page, site, watch, bundle, policy):
    # No inline script: the page's own driver is a file, its data a JSON block.
    open_page(page, site.page(bundle, DEST, head=policy))
    calls = heap_calls(
        page,
        """() => {
        rudderanalytics.identify('u-7', {plan: 'pro'});
        rudderanalytics.track('Strict', {n: 1});
        rudderanalytics.reset();
    }""",
    )
    assert calls == [
        ["identify", ["u-7"]],
        ["addUserProperties", [{"plan": "pro"}]],
        ["track", ["Strict", {"n": 1}]],
        ["resetIdentity", []],
    ]
    assert watch.heap_requests == [V5_URL]
    settle_console(page)
    assert not [t for _, t in watch.console if "Content Security Policy" in t]


# The contract's vectors in Chromium, on the default build's runtime as a page starts it: one
# module Worker per row (one page each), handed the settings item and the row's message. Every
# batch must equal CPython's (as data), as tests/test_runtime_web.py checks the same .wasm in Node.
# A worker posts only non-empty batches: each row waits for as many as CPython gives.
VECTOR_WORKERS = """async ([url, runs]) => {
  const out = [];
  for (const [texts, expected] of runs) {
    const worker = new Worker(url, { type: 'module' });
    const answers = [];
    await new Promise((resolve, reject) => {
      worker.onerror = (e) => reject(new Error(e.message || 'the worker failed'));
      worker.onmessage = (e) => {
        if (!Array.isArray(e.data)) return reject(new Error(JSON.stringify(e.data)));
        answers.push(...e.data);
        if (answers.length === 1) worker.postMessage(texts);
        if (answers.length === 1 + expected) resolve();
      };
    });
    worker.terminate();
    out.push(answers);
  }
  return out;
}"""


def test_the_contract_vectors_on_the_default_runtime(page, site, monkeypatch):
    import json
    import sys

    from heap_device.tools.assets import REPO_DIR

    sys.path.insert(0, str(REPO_DIR / "tests"))
    from conftest import as_javascript_writes
    from test_runtime_web import as_compared, on_cpython, settings_item
    from vectors import CALLS, CONSENT

    [runtime] = [p.name for p in (site.root / "micropython").glob("heap-device-runtime.*.js")]
    rows, runs = [], []
    for name, overrides, message, _, _ in CALLS + CONSENT:
        texts = [settings_item(overrides), as_javascript_writes(message)]
        expected = [batch for batch in on_cpython(None, texts, monkeypatch) if batch]
        rows.append((name, expected))
        runs.append([texts, len(expected) - 1])
    (site.root / "vectors.html").write_text("<!doctype html><title>vectors</title>\n")
    page.goto(site.origin + "/vectors.html")
    got = page.evaluate(VECTOR_WORKERS, [site.origin + "/micropython/" + runtime, runs])
    assert json.loads(got[0][0])["ops"][0][2]["runtime"] == "micropython"
    failures = [
        "%s: %r" % (name, answers[1:])
        for (name, expected), answers in zip(rows, got, strict=True)
        if as_compared(answers) != as_compared(expected)
    ]
    assert failures == []
