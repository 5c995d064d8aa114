"""The demo (`heap-device demo`): its page in Chromium driven like a person would (its server and
command without a browser: tests/test_demo_server.py).

One page session fires every preset and reads the inspector: what it shows must be exactly what
the demo's Heap stand-in received, in the order the page gave the properties. Chromium comes from
conftest.py (browser_type_launch_args); every request must stay on the demo server, nothing in the
page may execute from data, and the demo's own files set no timer but the data plane's refresh.

docs/demo.png is taken by `make screenshot` (e2e/demo_screenshot.py), not here.
"""

import json
import re

import pytest

from e2e.served import start_demo, stop_demo
from heap_device.tools.server import STANDIN as STANDIN_FILE

STANDIN = STANDIN_FILE.read_text(encoding="utf-8")
# Like Heap's own heap.js, a stand-in that announces nothing: the demo sees its script's load event.
QUIET_HEAP = STANDIN.replace("standin: true", "standin: false").replace(
    "window.dispatchEvent(new CustomEvent('heap-standin:loaded'", "(void ('heap-standin:loaded'"
)
BOOT_MS = 60_000
ISO = "2026-11-28T10:30:00.000Z"
# Records every timer a file under /demo/ sets itself (the frame right below the wrapper).
TIMER_SPY = r"""
window.__demoTimers = [];
for (const name of ['setTimeout', 'setInterval']) {
  const real = window[name];
  window[name] = function (fn, ms) {
    const caller = (new Error().stack.split('\n')[2] || '').match(/\/demo\/([\w.-]+):/);
    if (caller) window.__demoTimers.push([name, caller[1], ms]);
    return real.apply(this, arguments);
  };
}
"""
# The order the page gives the "Order Completed" preset's properties (static/demo/presets.mjs).
ORDER_KEYS = [
    "order_id",
    "total",
    "currency",
    "coupon",
    "shipping",
    "tags",
    "products",
    "placed_at",
    "notes",
]


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    server = start_demo(tmp_path_factory.mktemp("demo"))
    yield server
    stop_demo(server)


class Visit:
    """One page of the demo: what it requested, logged and showed."""

    def __init__(self, page, origin, answers=None):
        self.page = page
        self.origin = origin
        self.answers = answers or {}  # URL prefix -> what the test answers in the network's place
        self.strays = []
        self.errors = []
        self.dialogs = []
        self.fired = 0

    def route(self, route):
        url = route.request.url
        answer = [fn for prefix, fn in self.answers.items() if url.startswith(prefix)]
        if answer:
            answer[0](route)
        elif url.startswith(self.origin + "/") or url.startswith("data:"):
            route.continue_()
        else:
            self.strays.append(url)
            route.abort()

    def open(self, url):
        page = self.page
        page.set_default_timeout(BOOT_MS)
        page.add_init_script(TIMER_SPY)
        page.route("**/*", self.route)
        page.on("pageerror", lambda exc: self.errors.append(str(exc)))
        page.on("dialog", lambda d: (self.dialogs.append(d.message), d.dismiss()))
        page.goto(url)
        page.wait_for_selector('#timeline [data-mark="runtimeReady"].done')

    def fire(self, preset):
        """Pick a preset, press Send, wait for its inspector entry to settle; returns the entry."""
        self.page.click('button.preset[data-preset="%s"]' % preset)
        self.page.click("#send")
        self.fired += 1
        entry = self.page.locator('#entries .entry[data-n="%d"]' % self.fired)
        entry.and_(self.page.locator('[data-reported="true"]')).wait_for()
        return entry

    @staticmethod
    def calls(entry):
        return entry.locator(".heap-call").evaluate_all(
            "els => els.map(e => JSON.parse(e.dataset.call))"
        )

    @staticmethod
    def notes(entry):
        return entry.locator(".note .text").all_text_contents()

    def problems(self):
        return self.page.locator("#problem-list li").all_text_contents()

    def check_clean(self):
        assert self.strays == [], "requests left the demo server"
        assert self.errors == [], "errors reached the page"
        assert self.dialogs == [], "something in the page executed"
        assert self.problems() == []
        timers = self.page.evaluate("window.__demoTimers")
        assert timers == [["setInterval", "dataplane.mjs", 1000]], "the demo moves on timers"


@pytest.fixture
def visit(page, server):
    v = Visit(page, server.url.rstrip("/"))
    yield v
    v.check_clean()


def test_every_preset_shows_the_heap_calls_heap_received(visit, server):
    visit.open(server.url)
    page = visit.page
    assert page.locator(".mode").get_attribute("data-mode") == "offline"

    order = visit.fire("order")
    assert visit.calls(order) == [
        [
            "track",
            [
                "Order Completed",
                {
                    "order_id": "o-1001",
                    "total": 99.5,
                    "currency": "EUR",
                    "shipping.method": "express",
                    "shipping.address.city": "Paris",
                    "shipping.address.zip": "75001",
                    "tags": "gift||express||2",
                    "products": '[{"sku":"p-1","qty":2},{"sku":"p-2","qty":1}]',
                    "placed_at": ISO,
                },
            ],
        ]
    ]
    assert 'heap.track("Order Completed", {' in order.locator(".heap-call pre").inner_text()
    assert visit.notes(order) == ['dropped "coupon": null', 'dropped "notes": empty object']
    assert order.locator(".entry-name").inner_text() == "Order Completed"
    # Heap's properties, and the message heap-device received, in the order the page gave them
    # (not in MicroPython's dict order).
    [[_, [_, shown_props]]] = visit.calls(order)
    flat = [k for k in ORDER_KEYS if k not in ("coupon", "notes", "shipping")]
    flat[3:3] = ["shipping.method", "shipping.address.city", "shipping.address.zip"]
    assert list(shown_props) == flat
    order.locator("details.message summary").click()
    received = json.loads(order.locator("details.message pre").inner_text())
    assert list(received["properties"]) == ORDER_KEYS
    assert received["event"] == "Order Completed"

    signup = visit.fire("signup")
    assert visit.calls(signup) == [
        ["identify", ["user-42"]],
        [
            "addUserProperties",
            [
                {
                    "email": "ada@example.com",
                    "name": "Ada Lovelace",
                    "plan": "pro",
                    "beta": "true",
                    "age": 36,
                    "address.city": "London",
                    "interests": "math||engines",
                    "signed_up": "2026-11-01T09:00:00.000Z",
                }
            ],
        ],
    ]

    placeholder = visit.fire("placeholder")
    assert visit.calls(placeholder) == [["addUserProperties", [{"plan": "free"}]]]
    assert any('identity "undefined" refused' in n for n in visit.notes(placeholder))
    assert placeholder.locator('.note[data-level="warn"]').count() == 1

    long = visit.fire("long")
    [[method, [name, props]]] = visit.calls(long)
    assert method == "track" and len(name) == 255 and name.startswith("Long event name")
    assert len(props["description"]) == 1023 and props["short"] == "fits"
    assert any("cut" in n and "1023" in n for n in visit.notes(long))

    group = visit.fire("group")
    assert visit.calls(group) == [
        ["addUserProperties", [{"account_id": "acme-1"}]],
        [
            "addAccountProperties",
            [
                {
                    "name": "Acme Inc.",
                    "plan.tier": "gold",
                    "plan.seats": 25,
                    "industry": "Rockets",
                    "verified": "true",
                }
            ],
        ],
    ]

    page_view = visit.fire("page")
    [[method, [name, props]]] = visit.calls(page_view)
    assert (method, name) == ("track", "Page Viewed")
    assert {"plan": "pro", "name": "Pricing", "category": "Docs"}.items() <= props.items()

    alias = visit.fire("alias")
    assert visit.calls(alias) == []
    assert alias.locator(".no-call").count() == 1 and visit.notes(alias)

    reset = visit.fire("reset")
    assert visit.calls(reset) == [["resetIdentity", []]]

    bad = visit.fire("bad")
    assert visit.calls(bad) == []
    assert bad.locator('.note[data-level="warn"]').count() == 1

    xss = "<img src=x onerror=alert(1)>"
    html = visit.fire("html")
    [[method, [name, props]]] = visit.calls(html)
    assert (method, name) == ("track", xss)
    assert props == {"<b>key</b>": "<script>alert(2)</script>", "note": '"quotes" & <angles>'}
    assert 'heap.track("%s"' % xss in html.inner_text()  # shown as text...
    assert page.locator("#entries img, #entries b, #entries script").count() == 0  # ...not HTML
    assert page.locator("#dataplane img").count() == 0

    # Broken JSON is refused by the form itself: an error next to the editor, nothing sent.
    page.click('button.preset[data-preset="broken"]')
    page.click("#send")
    assert page.locator("#payload-error").is_visible()
    assert "not valid JSON" in page.locator("#payload-error").inner_text()
    assert page.locator("#f-payload").get_attribute("aria-invalid") == "true"
    assert page.locator("#entries .entry").count() == visit.fired

    # The inspector shows exactly what Heap received, in order (the stand-in recorded it).
    shown = page.locator("#entries .entry").evaluate_all(
        "els => els.reverse().flatMap(e => Array.from(e.querySelectorAll('.heap-call'),"
        " c => JSON.parse(c.dataset.call)))"
    )
    received = page.evaluate("window.__heapCalls")
    assert shown == received and len(received) == 10

    # Start-up timeline complete; the data plane got every message the SDK sends on. Heap's mark
    # is the time the stand-in announced (heap-standin:loaded), not a poll's.
    assert page.locator('[data-mark="heapLoaded"] .value').inner_text() == page.evaluate(
        "(window.__heapLoadedAt / 1000).toFixed(2) + ' s'"
    )
    for mark in ("pageLoad", "sdkReady", "runtimeReady", "heapLoaded", "firstCall"):
        assert re.fullmatch(
            r"\d+\.\d\d s", page.locator('[data-mark="%s"] .value' % mark).inner_text()
        ), mark
    page.wait_for_function("() => document.querySelectorAll('#dataplane .dp-event').length >= 9")
    assert page.locator("#entries .dp-ok").count() == 9  # every call but reset
    paths = {e["path"] for e in server.dataplane.events_since(0)}
    assert paths == {"/v1/track", "/v1/identify", "/v1/group", "/v1/page", "/v1/alias"}


def test_keyboard_alone_fires_a_call(visit, server):
    visit.open(server.url)
    page = visit.page
    page.focus('button.preset[data-preset="group"]')
    page.keyboard.press("Enter")  # the preset fills the form
    page.focus('input[name="type"]:checked')
    assert page.evaluate("document.activeElement.value") == "group"
    page.focus("#f-payload")
    page.keyboard.press("Control+Enter")
    entry = page.locator('#entries .entry[data-n="1"]')
    entry.and_(page.locator('[data-reported="true"]')).wait_for()
    assert [c[0] for c in Visit.calls(entry)] == ["addUserProperties", "addAccountProperties"]
    # Every control has a label.
    unlabeled = page.evaluate(
        "Array.from(document.querySelectorAll('input, textarea'))"
        ".filter(i => !i.labels || i.labels.length === 0).map(i => i.id || i.name)"
    )
    assert unlabeled == []


def test_events_from_elsewhere_and_the_transform_are_shown(visit, server):
    """heap-device's events about a message the form did not make are joined by messageId and shown,
    as text; a build with a site transform shows what transformEvent returned (PLAN decision 8)."""
    visit.open(server.url)
    page = visit.page
    page.evaluate(
        """() => {
        const send = (name, detail) => dispatchEvent(new CustomEvent(name, {detail}));
        const calls = (id, transform, calls) => send('heap-device:calls', {type: 'track',
            messageId: id, t: performance.now(), calls, notes: [['info', 'a note']], errors: [],
            transform});
        send('heap-device:message', {type: 'track', messageId: 'm-1', message: {type: 'track',
            event: '<i>From the page</i>', messageId: 'm-1', properties: {b: 1, a: 2}}});
        calls('m-1', {outcome: 'changed', events: [{type: 'track', event: 'Renamed'}]},
              [['track', ['Renamed', {a: 2, b: 1}]]]);
        calls('m-2', {outcome: 'dropped', events: []}, []);
        calls('m-3', {outcome: 'error', events: [], error: 'ValueError: bad'},
              [['track', ['X', {}]]]);
        calls('m-4', {outcome: 'unchanged', events: [{type: 'track'}]}, [['track', ['X', {}]]]);
        }"""
    )
    entry = page.locator('#entries .entry[data-message-id="m-1"]')
    entry.wait_for()
    assert entry.get_attribute("data-n") is None  # #1, #2… count the form's calls
    assert Visit.calls(entry) == [["track", ["Renamed", {"b": 1, "a": 2}]]]
    assert list(Visit.calls(entry)[0][1][1]) == ["b", "a"]  # the page's order
    assert Visit.notes(entry) == ["a note"]
    # The header: the name Heap got, and the page's, struck through.
    assert entry.locator(".entry-name").inner_text() == "Renamed"
    assert entry.locator(".entry-was").inner_text() == "was <i>From the page</i>"
    assert "not fired from this form; messageId m-1" in entry.inner_text()
    # The transform column: what changed, one line each; the whole returned event folded.
    assert entry.locator(".transform .change").all_inner_texts() == [
        'renamed event: "<i>From the page</i>" → "Renamed"',
        'removed messageId: "m-1"',
        'removed properties: {"b":1,"a":2}',
    ]
    folded = entry.locator(".transform details.returned")
    assert folded.evaluate("d => d.open") is False
    assert not entry.locator(".transform details.returned pre").is_visible()
    assert json.loads(folded.locator("pre").text_content())["event"] == "Renamed"
    summary = folded.locator("summary")
    assert summary.inner_text() == "The whole event as returned (1 field unchanged)"
    summary.click()
    assert entry.locator(".transform details.returned pre").is_visible()
    transforms = page.locator("#entries .transform")
    assert transforms.evaluate_all("els => els.map(e => e.dataset.outcome)") == [
        "unchanged",
        "error",
        "dropped",
        "changed",
    ]
    texts = transforms.all_inner_texts()
    assert "Returned the event unchanged" in texts[0]
    assert "ValueError: bad" in texts[1]
    assert "Dropped by transformEvent" in texts[2]
    assert page.locator("#entries i").count() == 0


def test_scripted_session_screenshot(visit, server, tmp_path):
    visit.open(server.url)
    page = visit.page
    page.set_viewport_size({"width": 1280, "height": 1000})
    for preset in ("signup", "placeholder", "order"):
        visit.fire(preset)
    page.wait_for_function("() => document.querySelectorAll('#dataplane .dp-event').length >= 3")
    page.evaluate("document.activeElement.blur(); window.scrollTo(0, 0)")
    shot = tmp_path / "demo.png"
    page.screenshot(path=str(shot))
    page.set_viewport_size({"width": 390, "height": 844})
    page.screenshot(path=str(tmp_path / "demo-phone.png"))
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, "the page scrolls sideways at phone width"


def test_pyodide_pyscript_transform_and_live_mode(page, tmp_path):
    """Pyodide in the PyScript build boots and shows the received message and what the site's
    transform returned (demo --transform), and --app-id loads Heap from Heap's CDN (answered
    here)."""
    transform = tmp_path / "mark.py"
    transform.write_text(
        "def transformEvent(event, metadata):\n"
        "    event['properties']['via'] = 'transform'\n"
        "    return event\n"
    )
    server = start_demo(
        tmp_path / "site",
        app_id="987654321",
        runtime="pyodide",
        boot="pyscript",
        transform=transform,
    )
    cdn = []

    def heap_cdn(route):
        cdn.append(route.request.url)
        route.fulfill(status=200, content_type="text/javascript", body=QUIET_HEAP)

    try:
        visit = Visit(page, server.url.rstrip("/"), {"https://cdn.us.heap-api.com/": heap_cdn})
        visit.open(server.url)
        assert page.locator(".mode").get_attribute("data-mode") == "live"
        assert "Pyodide" in page.locator(".facts").inner_text()
        entry = visit.fire("order")
        [[_, [name, props]]] = Visit.calls(entry)
        assert (name, props["via"]) == ("Order Completed", "transform")
        assert list(props)[-1] == "via"  # a key the page never gave comes last
        received = json.loads(entry.locator("details.message pre").text_content())
        assert list(received["properties"]) == ORDER_KEYS
        assert entry.locator(".transform").get_attribute("data-outcome") == "changed"
        assert entry.locator(".transform .change").all_inner_texts() == [
            'added properties.via: "transform"'
        ]
        returned = json.loads(entry.locator(".transform details.returned pre").text_content())
        assert list(returned["properties"]) == ORDER_KEYS + ["via"]
        assert cdn == ["https://cdn.us.heap-api.com/config/987654321/heap_config.js"]
        page.wait_for_selector('#timeline [data-mark="heapLoaded"].done')
        visit.check_clean()
    finally:
        stop_demo(server)
