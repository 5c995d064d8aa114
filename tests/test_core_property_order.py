"""The order Heap receives properties in (docs/transformations.md, "Property order").

The same keys and values on every runtime. The order is the page's on CPython (`try`) and
Pyodide: each object's keys as the page listed them, a nested object's flattened keys at its
place. On MicroPython, whose dicts keep no insertion order, it is MicroPython's hash order; only
where order decides a value (a flattened name given twice, an object inside an array written as
JSON text) is the page's order kept there too. The last test is a tripwire: if MicroPython ever
hands Heap the page's order, it fails, and the docs can say so.
"""

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from heap_device.core import jstext
from heap_device.core.calls import handle
from heap_device.core.settings import resolve_settings

ROOT = Path(__file__).resolve().parent.parent
RUNNER = ROOT / "tests" / "core_runner.mjs"

ORDER = {
    "total": 32.5,
    "currency": "EUR",
    "order_id": "A-1",
    "shipping": {"method": "dhl", "address": {"city": "Bonn", "zip": "53111"}},
    "coupon": "SPRING",
    "items": 3,
    "zeta": True,
    "alpha": "first letter, last key",
    "mid": [1.5, "two"],
}
MESSAGES = [
    {"type": "track", "event": "Order Completed", "properties": ORDER},
    {"type": "identify", "userId": "u-1", "context": {"traits": ORDER}},
    {"type": "group", "groupId": "g-1", "traits": ORDER},
]
PAGE_ORDER = [
    "total",
    "currency",
    "order_id",
    "shipping.method",
    "shipping.address.city",
    "shipping.address.zip",
    "coupon",
    "items",
    "zeta",
    "alpha",
    "mid",
]
# Where order decides a value, every runtime keeps the page's: the later of two keys that
# flatten to one name wins, and an object inside an array is JSON text in the page's key order.
DECIDES = {
    "type": "track",
    "event": "Decided by order",
    "properties": {
        "a.b": "first",
        "z": 1,
        "a": {"b": "later wins"},
        "list": [{"zeta": 1, "alpha": 2, "mid": 3}],
    },
}


def texts():
    """The messages as JSON.stringify writes them (the page's key order)."""
    return [json.dumps(message, ensure_ascii=False) for message in MESSAGES + [DECIDES]]


def on_cpython():
    settings, _ = resolve_settings({"appId": "1234567890"}, {})
    return [jstext.dumps_for(handle(text, settings)["calls"], text) for text in texts()]


def on_runtime(runtime):
    if shutil.which("node") is None:
        pytest.fail("node is needed to run the core on %s (make test installs it)" % runtime)
    done = subprocess.run(
        ["node", str(RUNNER), runtime, str(ROOT), "order"],
        input=json.dumps(texts()),
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout)


def as_javascript_sees(call_texts):
    """For each message: every object argument of its calls, as [[key, value], ...] in the order
    JSON.parse gives Object.entries (what heap.track and friends iterate)."""
    script = (
        "const texts = JSON.parse(require('fs').readFileSync(0, 'utf8'));"
        "const isObject = (v) => v !== null && typeof v === 'object' && !Array.isArray(v);"
        "process.stdout.write(JSON.stringify(texts.map((t) => JSON.parse(t).map("
        "  ([method, args]) => args.filter(isObject).map(Object.entries)))));"
    )
    done = subprocess.run(
        ["node", "-e", script], input=json.dumps(call_texts), capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr[-2000:]
    return json.loads(done.stdout)


def objects_of(seen):
    """[[key, ...] per object argument] per message, dropping the group's account_id call."""
    return [[[key for key, _ in entries] for call in calls for entries in call] for calls in seen]


@pytest.fixture(scope="module")
def runtimes():
    return {
        "cpython": as_javascript_sees(on_cpython()),
        "pyodide": as_javascript_sees(on_runtime("pyodide")),
        "micropython": as_javascript_sees(on_runtime("micropython")),
    }


@pytest.mark.parametrize("runtime", ["cpython", "pyodide"])
def test_heap_gets_the_pages_order_on_cpython_and_pyodide(runtimes, runtime):
    keys = objects_of(runtimes[runtime])
    assert keys[:3] == [[PAGE_ORDER], [PAGE_ORDER], [["account_id"], PAGE_ORDER]]


@pytest.mark.parametrize("runtime", ["pyodide", "micropython"])
def test_heap_gets_the_same_keys_and_values_on_every_runtime(runtimes, runtime):
    as_dicts = [[[dict(entries) for entries in call] for call in m] for m in runtimes[runtime]]
    expected = [[[dict(entries) for entries in call] for call in m] for m in runtimes["cpython"]]
    assert as_dicts == expected


def test_where_order_decides_a_value_every_runtime_keeps_the_pages(runtimes):
    for runtime in ("cpython", "pyodide", "micropython"):
        [[entries]] = runtimes[runtime][3]
        values = dict(entries)
        assert values["a.b"] == "later wins", runtime
        assert values["list"] == '[{"zeta":1,"alpha":2,"mid":3}]', runtime


def test_on_micropython_heap_gets_micropythons_order_not_the_pages(runtimes):
    keys = objects_of(runtimes["micropython"])[0][0]
    assert sorted(keys) == sorted(PAGE_ORDER)
    assert keys != PAGE_ORDER, "MicroPython now keeps the page's order: say so in the docs"
