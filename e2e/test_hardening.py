"""Hardening (issue 6): a blocked runtime, a full queue, bad input, Heap's own snippet, memory.

Every test here fails if the protection it names is taken away; the pages come from conftest.py and
the helpers from test_browser.py.
"""

import json

import pytest

from e2e.conftest import wait_until
from e2e.test_browser import DEST, V5_URL, heap_calls, open_page, settle_console, wait_for_post

# The browser's and Emscripten's own lines when the runtime cannot start: not ours to silence.
RUNTIME_NOISE = [
    r"^Failed to load resource",
    r"^wasm streaming compile failed",
    r"^falling back to ArrayBuffer instantiation",
    r"^failed to asynchronously prepare wasm",
    r"^Aborted\(",
]
NO_WASM_CSP = (
    '<meta http-equiv="Content-Security-Policy" content="default-src \'self\'; '
    "script-src 'self' https://cdn.us.heap-api.com; object-src 'none'\">\n"
)
NO_EVAL_CSP = (
    '<meta http-equiv="Content-Security-Policy" content="default-src \'self\'; '
    "script-src 'self' 'wasm-unsafe-eval' https://cdn.us.heap-api.com; object-src 'none'\">\n"
)


def ours(watch, kind):
    return [t for k, t in watch.console if k == kind and t.startswith("heap-device:")]


@pytest.mark.parametrize(
    "bundle, block, cause",
    [
        ("micropython", "wasm", "fetching of the wasm failed"),
        ("pyodide", "wasm", "wasm"),
        ("pyscript", "wasm", "fetching of the wasm failed"),
        ("pyscript", NO_EVAL_CSP, "refused eval"),  # PyScript's core needs 'unsafe-eval'
        ("pyscript", NO_WASM_CSP, "refused wasm-eval"),
    ],
    ids=[
        "worker-wasm-404",
        "worker-pyodide-wasm-404",
        "pyscript-wasm-404",
        "pyscript-no-eval",
        "pyscript-no-wasm-eval",
    ],
)
def test_blocked_runtime_is_one_clear_error_and_the_sdk_goes_on(
    page, site, watch, bundle, block, cause
):
    head = ""
    if block == "wasm":
        page.route("**/*.wasm", lambda r: r.fulfill(status=404, body="not found"))
    else:
        head = block
    watch.expected_errors += RUNTIME_NOISE + [r"^heap-device: the Python runtime could not start"]
    open_page(page, site.page(bundle, DEST, head=head))
    page.wait_for_function("() => !!(window.Heap_RS && window.Heap_RS.Heap)")
    wait_until(page, lambda: ours(watch, "error"), lambda: watch.console)
    page.evaluate("rudderanalytics.track('After The Runtime Failed', {n: 1})")
    wait_for_post(page, site, "After The Runtime Failed")  # the SDK and its data plane go on
    settle_console(page)
    errors = ours(watch, "error")
    assert len(errors) == 1, errors
    assert cause in errors[0] and "Fix:" in errors[0] and "wasm-unsafe-eval" in errors[0]
    assert watch.heap_requests == []
    # watch (conftest) checks no error reached the page (e.g. Emscripten's unhandled rejection).


def test_queue_is_capped_while_the_runtime_does_not_come(page, site, watch):
    # The .wasm request hangs: 1,500 events wait. The oldest 500 go (one warning); once the runtime
    # arrives the settings and the newest 1,000 reach Heap, in order.
    held = []
    page.route("**/micropython.wasm", lambda r: held.append(r))
    page.goto(site.page("micropython", DEST))
    page.wait_for_function("() => window.__rsReady === true", timeout=60_000)
    page.evaluate("for (let i = 0; i < 1500; i++) rudderanalytics.track('q ' + i)")
    settle_console(page)  # the adapter warns as it queues, during that evaluate
    warnings = ours(watch, "warning")
    assert len(warnings) == 1 and "oldest are dropped" in warnings[0], warnings
    wait_until(page, lambda: held, "the runtime never asked for its .wasm")
    held[0].continue_()
    page.wait_for_function("() => (window.__heapCalls || []).length >= 1000")
    assert heap_calls(page, "() => {}") == []  # nothing more queued than those 1,000
    calls = page.evaluate("window.__heapCalls")[:1000]
    assert calls == [["track", ["q %d" % i, {}]] for i in range(500, 1500)]
    assert watch.heap_requests == [V5_URL]


# ---- Bad input through the real SDK (v3), on MicroPython booted by PyScript -------------------

HEAP_METHODS = {"identify", "addUserProperties", "track", "addAccountProperties", "resetIdentity"}
NOT_POLLUTED = """() => [({}).polluted, Object.prototype.polluted, [].polluted,
    Object.prototype.constructor.polluted, window.polluted, ({}).constructor === Object]"""


def units(text):
    """Length in UTF-16 code units, as Heap's JavaScript counts it (lone surrogates included)."""
    return len(text.encode("utf-16-le", "surrogatepass")) // 2


def heap_limit_problems(call):
    """What is wrong with one recorded Heap call by Heap's limits (docs/contract.md §4-5);
    [] when nothing."""
    method, args = call
    problems = []
    if method not in HEAP_METHODS:
        return ["unknown method " + method]

    def props(value, value_max, for_user, no_user_id=False):
        if not isinstance(value, dict) or not value:
            return ["properties not a non-empty object: %r" % (value,)]
        found = []
        for key, item in value.items():
            if not key or units(key) > 511:
                found.append("key length %d" % units(key))
            if no_user_id and key == "user_id":
                found.append("user_id in user properties")
            if isinstance(item, bool):
                if for_user:
                    found.append("bool user property %r" % key)
            elif isinstance(item, str):
                if units(item) > value_max:
                    found.append("value of %r is %d long" % (key, units(item)))
            elif not isinstance(item, int | float):
                found.append("value of %r is %r" % (key, type(item).__name__))
        return found

    if method == "track":
        name, event_props = args
        if not isinstance(name, str) or not name.strip() or units(name) > 255:
            problems.append("event name %r" % (name,))
        if event_props != {}:
            problems += props(event_props, 1023, False)
    elif method == "identify":
        (identity,) = args
        if isinstance(identity, str):
            if not identity or units(identity) > 254 or identity != identity.strip():
                problems.append("identity %r" % identity)
        elif not isinstance(identity, int | float) or isinstance(identity, bool):
            problems.append("identity %r" % (identity,))
    elif method in ("addUserProperties", "addAccountProperties"):
        (values,) = args
        problems += props(values, 255, True, method == "addUserProperties")
    elif args:
        problems.append("resetIdentity with arguments")
    return problems


DIRECT = (
    "Heap_RS.Heap.prototype.track.call(null, "
    "{message: {type: 'track', event: 'D', properties: %s}})"
)
# Each case: a JS expression fired in the page, and exactly what Heap must get: what the SDK hands
# over (it reshapes some input first: noted where it does), mapped by docs/contract.md.
BAD_INPUT = [
    ("name undefined", "rudderanalytics.track(undefined, {a: 1})", []),
    ("name null", "rudderanalytics.track(null, {a: 1})", []),
    ("name empty", "rudderanalytics.track('   ', {a: 1})", []),
    ("name number", "rudderanalytics.track(42, {a: 1})", [["track", ["42", {"a": 1}]]]),
    ("name NaN", "rudderanalytics.track(NaN)", []),
    ("name bool", "rudderanalytics.track(true)", []),
    ("name object", "rudderanalytics.track({x: 1})", []),
    ("name array", "rudderanalytics.track(['a'])", []),
    ("name symbol", "rudderanalytics.track(Symbol('s'))", []),
    ("name function", "rudderanalytics.track(function f() {})", []),
    # The SDK writes a BigInt as its own placeholder text before the message reaches us.
    ("name BigInt", "rudderanalytics.track(BigInt(7))", [["track", ["[BigInt]", {}]]]),
    ("name 300 chars", "rudderanalytics.track('n'.repeat(300))", [["track", ["n" * 255, {}]]]),
    ("name lone surrogate", "rudderanalytics.track('a\\ud800b')", [["track", ["a\ud800b", {}]]]),
    ("props array", "rudderanalytics.track('P', [1, 2])", [["track", ["P", {}]]]),
    ("props string", "rudderanalytics.track('P', 'text')", [["track", ["P", {}]]]),
    ("props null", "rudderanalytics.track('P', null)", [["track", ["P", {}]]]),
    (
        "10,000 keys",
        "const o = {}; for (let i = 0; i < 10000; i++) o['k' + i] = i; "
        "rudderanalytics.track('P', o)",
        [["track", ["P", {"k%d" % i: i for i in range(10000)}]]],
    ),
    (
        "1 MB string",
        "rudderanalytics.track('P', {big: 'x'.repeat(1 << 20)}); "
        "rudderanalytics.identify('u-big', {big: 'y'.repeat(1 << 20)})",
        [
            ["track", ["P", {"big": "x" * 1023}]],
            ["identify", ["u-big"]],
            ["addUserProperties", [{"big": "y" * 255}]],
        ],
    ),
    (
        "200 levels deep",
        "let o = {leaf: 1}; for (let i = 0; i < 199; i++) o = {d: o}; "
        "rudderanalytics.track('P', o)",
        [["track", ["P", {"d." * 199 + "leaf": 1}]]],
    ),
    (
        # The SDK marks both cut references "[Circular Reference]": dropped, in the array too.
        "cyclic",
        "const o = {a: 1}; o.self = o; o.list = [o, 2]; rudderanalytics.track('P', o)",
        [["track", ["P", {"a": 1, "list": "2"}]]],
    ),
    (
        "__proto__, constructor, prototype",
        'rudderanalytics.track(\'P\', JSON.parse(\'{"__proto__": {"polluted": 1}, '
        '"constructor": {"prototype": {"polluted": 2}}, "prototype": {"polluted": 3}}\')); '
        "rudderanalytics.identify('u-p', JSON.parse('{\"__proto__\": {\"polluted\": 4}}'))",
        # The SDK's copy of the arguments loses an own "__proto__" key (the adapter keeps it:
        # see "adapter: own __proto__ keys"); nothing is polluted either way.
        [
            ["track", ["P", {"constructor.prototype.polluted": 2, "prototype.polluted": 3}]],
            ["identify", ["u-p"]],
        ],
    ),
    (
        "symbols and functions",
        "rudderanalytics.track('P', {s: Symbol('x'), [Symbol('k')]: 1, f() {}, ok: 1})",
        [["track", ["P", {"ok": 1}]]],
    ),
    (
        "BigInt",
        "rudderanalytics.track('P', {b: BigInt('123456789012345678901234567890')})",
        [["track", ["P", {"b": "[BigInt]"}]]],
    ),
    (
        # Typed arrays arrive as objects of their items; an ArrayBuffer as {} (dropped).
        "typed arrays",
        "rudderanalytics.track('P', {u8: new Uint8Array([1, 2]), f64: new Float64Array(2), "
        "buf: new ArrayBuffer(8)})",
        [["track", ["P", {"u8.0": 1, "u8.1": 2, "f64.0": 0, "f64.1": 0}]]],
    ),
    (
        # Nodes have no own enumerable properties: each arrives as {} and is dropped.
        "DOM nodes",
        "rudderanalytics.track('P', {body: document.body, el: document.createElement('div'), "
        "all: document.querySelectorAll('*'), ok: 1})",
        [["track", ["P", {"ok": 1}]]],
    ),
    (
        "Map and Set",
        "rudderanalytics.track('P', {m: new Map([[1, 2]]), s: new Set([1]), ok: 1})",
        [["track", ["P", {"ok": 1}]]],
    ),
    (
        "NaN and Infinity",
        "rudderanalytics.track('P', {a: NaN, b: Infinity, c: -Infinity, d: -0, ok: 1})",
        [["track", ["P", {"d": 0, "ok": 1}]]],
    ),
    (
        "lone surrogates",
        "rudderanalytics.track('P', {'k\\udc00': 'v\\ud800', x: '\\ud83d\\ude00'.repeat(600)}); "
        "rudderanalytics.group('g\\ud800', {'t\\udfff': 'w\\ud800'})",
        [
            ["track", ["P", {"k\udc00": "v\ud800", "x": "\U0001f600" * 511}]],
            ["addUserProperties", [{"account_id": "g\ud800"}]],
            ["addAccountProperties", [{"t\udfff": "w\ud800"}]],
        ],
    ),
    # Straight into the adapter, as an SDK that cleans nothing would hand it over.
    (
        "adapter: own __proto__ keys",
        'const p = JSON.parse(\'{"__proto__": {"polluted": 1}, "a": {"__proto__": "x"}}\'); '
        + DIRECT % "p",
        [["track", ["D", {"__proto__.polluted": 1, "a.__proto__": "x"}]]],
    ),
    (
        "adapter: host objects",
        "const o = {el: document.body, m: new Map([[1, 2]]), s: new Set([1]), "
        "u8: new Uint8Array([7]), b: BigInt(5), [Symbol('k')]: 1, n: NaN, i: -Infinity, "
        "get bad() { throw new Error('getter'); }, ok: 1}; " + DIRECT % "o",
        [["track", ["D", {"u8.0": 7, "b": "5", "ok": 1}]]],
    ),
    (
        "adapter: 200 levels deep and cyclic",
        "let o = {leaf: 1}; for (let i = 0; i < 199; i++) o = {d: o}; o.self = o; " + DIRECT % "o",
        [["track", ["D", {"d." * 199 + "leaf": 1}]]],
    ),
    (
        "U+0000 and long strings of lone surrogate halves, exact",
        "rudderanalytics.track('P', {nul: 'a\\u0000b', s: 'a\\ud800'.repeat(20), "
        "t: ['\\udc00x', '\\u0000']})",
        [["track", ["P", {"nul": "a\u0000b", "s": "a\ud800" * 20, "t": "\udc00x||\u0000"}]]],
    ),
    (
        "bad identities and group ids",
        "rudderanalytics.identify({id: 1}); rudderanalytics.identify(NaN); "
        "rudderanalytics.identify('x'.repeat(300)); rudderanalytics.group(null, {a: 1}); "
        "rudderanalytics.group(Symbol('g'))",
        # The SDK reads an object first argument as traits for the user it already has ("u-p",
        # identified above) and group(null, traits) as "keep the group, these are options";
        # NaN arrives as null; 300 characters are refused.
        [["identify", ["u-p"]], ["addUserProperties", [{"id": 1}]]],
    ),
    (
        "bad traits",
        "rudderanalytics.identify('u-t', [1, 2]); rudderanalytics.identify('u-t', 'text'); "
        "rudderanalytics.identify('u-t', {user_id: 'x', deep: {a: {b: true}}})",
        [
            ["identify", ["u-t"]],
            ["identify", ["u-t"]],
            ["identify", ["u-t"]],
            ["addUserProperties", [{"deep.a.b": "true"}]],
        ],
    ),
]


def test_bad_input_never_breaks_the_page_and_heap_gets_valid_calls(page, site, watch):
    # The SDK's own complaints about such input are the SDK's business, not ours.
    watch.expected_errors.append(r"RS SDK .*ErrorHandler")
    open_page(page, site.page("micropython", {**DEST, "trackPageCalls": True}))
    seen = {}
    for name, script, expected in BAD_INPUT:
        page.evaluate("window.__thrown = null")
        calls = heap_calls(
            page, "() => { try { %s } catch (e) { window.__thrown = String(e); } }" % script
        )
        thrown = page.evaluate("window.__thrown")
        seen[name] = (thrown, calls)
        for call in calls:
            assert heap_limit_problems(call) == [], (name, call)
        assert calls == expected, name
        assert page.evaluate(NOT_POLLUTED) == [None, None, None, None, None, True], name
    # Afterwards: normal events still reach Heap and the data plane.
    assert heap_calls(page, "rudderanalytics.track('Normal', {n: 1})") == [
        ["track", ["Normal", {"n": 1}]]
    ]
    page.evaluate("rudderanalytics.track('Normal After Bad Input')")
    wait_for_post(page, site, "Normal After Bad Input")
    assert [t for t in ours(watch, "error")] == []
    assert page.evaluate("window.__heapNotPlain || 0") == 0
    print(json.dumps({k: [v[0], str(v[1])[:300]] for k, v in seen.items()}, indent=0))


FUZZ = """([seed, count]) => {
    let a = seed >>> 0;  // mulberry32: a small seeded generator, so a failure can be replayed
    const rnd = () => {
        a = (a + 0x6D2B79F5) >>> 0;
        let t = Math.imul(a ^ (a >>> 15), 1 | a);
        t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
        return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
    const pick = list => list[Math.floor(rnd() * list.length)];
    const chars = ['a', 'Z', '0', ' ', '.', 'é', '中', '\\ud83d\\ude00', '\\ud800', '\\udc00', '"',
        '\\\\', '<', '\\n', '\\u0000'];
    const text = max => {
        let n = Math.floor(rnd() * rnd() * max), out = '';
        for (let i = 0; i < n; i++) out += pick(chars);
        return out;
    };
    const key = () => pick(['user_id', '__proto__', 'constructor', 'a.b', '', text(12), text(600),
        text(8), 'k' + Math.floor(rnd() * 20)]);
    let i = 0;
    const value = depth => {
        switch (Math.floor(rnd() * (depth > 4 ? 9 : 12))) {
            case 0: return null;
            case 1: return undefined;
            case 2: return rnd() < 0.5;
            case 3: return pick([0, -0, 1.5, -7, 1e308, 2 ** 53, NaN, Infinity, -Infinity]);
            case 4: return text(40);
            case 5: return text(3000);
            case 6: return pick([new Date(rnd() * 2e12), new Date(NaN), BigInt(i)]);
            case 7: return pick([Symbol('s'), function () {}, new Map(), new Uint8Array(3)]);
            case 8: return [value(depth + 1), value(depth + 1)];
            default: {
                const o = {};
                const n = Math.floor(rnd() * 6);
                for (let i = 0; i < n; i++) o[key()] = value(depth + 1);
                if (rnd() < 0.1) o.self = o;
                return o;
            }
        }
    };
    const id = () => pick([text(20), text(300), 'u-' + Math.floor(rnd() * 100), 42, 'null', ' ',
        value(5)]);
    for (; i < count; i++) {
        const kind = Math.floor(rnd() * 5);
        const props = rnd() < 0.9 ? value(0) : pick(['str', [1], null]);
        try {
            if (kind === 0) rudderanalytics.track(pick([text(300), 'E' + i, 7, null]), props);
            else if (kind === 1) rudderanalytics.identify(id(), props);
            else if (kind === 2) rudderanalytics.group(id(), props);
            else if (kind === 3) rudderanalytics.page('Cat', text(30), props);
            else Heap_RS.Heap.prototype.track.call(null, {message: {type: pick(['track',
                'identify', 'group', 'page', 'alias', 'reset', 7, null]), event: text(300),
                userId: id(), groupId: id(), traits: value(0), properties: props,
                context: {traits: value(0)}}});
        } catch (e) {
            window.__sdkThrew = (window.__sdkThrew || 0) + 1;  // the SDK's own throw, not ours
        }
    }
}"""


def test_seeded_fuzz_every_heap_call_is_within_heaps_limits(page, site, watch):
    watch.expected_errors.append(r"RS SDK .*ErrorHandler")
    open_page(page, site.page("micropython", {**DEST, "trackPageCalls": True}))
    # Python runs before the fuzz: 2,000 messages fired while it still starts would wait on the
    # page, whose queue keeps the newest 1,000, and the fuzz would reach Heap only in part.
    page.wait_for_function("() => window.Heap_RS.running === true")
    before = page.evaluate("(window.__heapCalls || []).length")
    page.evaluate(FUZZ, [20261128, 2000])
    heap_calls(page, "() => {}")  # the marker: every fuzzed message has been handled
    # As JSON text: Playwright's own serialiser drops an own "__proto__" key, which the fuzz makes.
    calls = json.loads(page.evaluate("JSON.stringify(window.__heapCalls)"))[before:-1]
    problems = [(call, p) for call in calls for p in heap_limit_problems(call)]
    assert problems == [], problems[:5]
    assert len(calls) > 400, len(calls)  # many messages did produce calls: the fuzz reached Heap
    assert {c[0] for c in calls} == HEAP_METHODS
    assert page.evaluate(NOT_POLLUTED) == [None, None, None, None, None, True]
    assert page.evaluate("window.__heapNotPlain || 0") == 0
    assert ours(watch, "error") == []
    print(
        "fuzz: %d Heap calls, SDK threw %s times" % (len(calls), page.evaluate("window.__sdkThrew"))
    )


# ---- Memory: no leaked FFI proxies ------------------------------------------------------------

SEND = """([from, to]) => {
    for (let i = from; i < to; i++) {
        Heap_RS.Heap.prototype.track.call(null, {message: {type: 'track', event: 'Mem ' + (i % 50),
            properties: {i: i, plan: 'pro', nested: {a: {b: i}}, tags: ['x', 'y'], ok: true}}});
    }
}"""


# Keeps a handle on each WebAssembly memory the page creates (MicroPython's linear memory, where
# its heap and its table of JS references live), so the test can read its size.
WASM_MEMORY_WATCH = """(() => {
    const memories = (window.__wasmMemories = []);
    const keep = result => {
        const instance = result.instance || result;
        for (const value of Object.values(instance.exports || {})) {
            if (value instanceof WebAssembly.Memory) memories.push(value);
        }
        return result;
    };
    for (const name of ['instantiate', 'instantiateStreaming']) {
        const original = WebAssembly[name];
        WebAssembly[name] = function () { return original.apply(this, arguments).then(keep); };
    }
})();"""
WASM_BYTES = "window.__wasmMemories.reduce((n, m) => n + m.buffer.byteLength, 0)"


@pytest.mark.parametrize("bundle", ["micropython", "pyscript"])
def test_memory_stays_flat_over_20000_events(page, site, watch, bundle):
    # The worker build: the page's JS heap (queue, apply) stays flat. The PyScript build runs the
    # same bridge on the page, where MicroPython's WebAssembly memory can be read too.
    page.add_init_script(WASM_MEMORY_WATCH)
    open_page(page, site.page(bundle, DEST))
    heap_calls(page, "() => {}")  # Heap is loaded and Python is running
    # Count instead of record: the stand-in's own log would grow with every call.
    page.evaluate("window.__n = 0; window.heap.track = function () { window.__n++; }")
    cdp = page.context.new_cdp_session(page)

    def used_after_gc():
        for _ in range(3):
            cdp.send("HeapProfiler.collectGarbage")
        return cdp.send("Runtime.getHeapUsage")

    def send(start, end):
        for first in range(start, end, 1000):
            page.evaluate(SEND, [first, min(first + 1000, end)])
            page.wait_for_function("n => window.__n >= n", arg=min(first + 1000, end))

    send(0, 1000)
    at_1000 = used_after_gc()
    wasm_1000 = page.evaluate(WASM_BYTES)
    send(1000, 20000)
    at_20000 = used_after_gc()
    wasm_20000 = page.evaluate(WASM_BYTES)
    print("WASM memory: %d bytes at 1,000 events, %d at 20,000" % (wasm_1000, wasm_20000))
    if bundle == "pyscript":
        assert wasm_1000 > 0 and wasm_20000 == wasm_1000  # linear memory never grew
    else:
        assert wasm_1000 == 0  # the interpreter's memory is in the worker, not on the page
    growth = at_20000["usedSize"] - at_1000["usedSize"]
    print("JS heap after GC: %r at 1,000 events, %r at 20,000" % (at_1000, at_20000))
    assert growth < 1024 * 1024, growth  # measured: ~25 KB; one leaked proxy per event is more
    assert page.evaluate("window.__n") >= 20000
