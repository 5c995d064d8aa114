"""heap-device's own MicroPython (static/runtime/, `make runtime`), as committed, under Node.

The contract's vectors go through the frozen bridge exactly as a worker hands them over
(heap-device-runtime.js's micropythonBridge): every batch must equal CPython's (as data: dict
order differs). A smaller build once passed every vector while it broke the float round trip and
the line numbers in a transform's errors: both have tests of their own here.
"""

import base64
import json
import random
import re
import shutil
import struct
import subprocess
import sys
import types

import pytest
from conftest import as_javascript_writes, without_build
from vectors import APP, BRIDGE, CALLS, CONSENT, TRANSFORMS

from heap_device.browser.bridge import Bridge
from heap_device.tools import bundle
from heap_device.tools import transform as site_transform
from heap_device.tools.assets import REPO_DIR

RUNNER = REPO_DIR / "tests" / "interpreters" / "runtime_web.mjs"


def run_web(runs, tmp_path, build=None):
    """[(site source or None, [texts])] -> each run's [start batch, answers...] from our wasm:
    the build a bundle ships (micropython-core without a transform), or `build`."""
    if shutil.which("node") is None:
        pytest.fail("node is needed to run heap-device's MicroPython (make test installs it)")
    given = []
    for number, (source, texts) in enumerate(runs):
        site = None
        if source is not None:
            path = tmp_path / ("site%d.py" % number)
            path.write_text(source, encoding="utf-8")
            site = base64.b64encode(site_transform.compile_mpy(path)).decode("ascii")
        given.append({"site": site, "texts": texts, "build": build})
    data = tmp_path / "runs.json"
    data.write_text(json.dumps({"runs": given}), encoding="utf-8")
    done = subprocess.run(
        ["node", str(RUNNER), str(REPO_DIR), str(data)], capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout)["runs"]


def on_cpython(source, texts, monkeypatch, name="site0.py"):
    """The same run through CPython's Bridge (the transform as the build's module)."""
    if source is not None:
        module = types.ModuleType("heap_device.site_transform")
        exec(compile(source, name, "exec"), module.__dict__)
        module.__transform_file__ = name
        monkeypatch.setitem(sys.modules, "heap_device.site_transform", module)
    else:
        monkeypatch.delitem(sys.modules, "heap_device.site_transform", raising=False)
    bridge = Bridge()
    return [bridge.start()] + [bridge.receive(text) for text in texts]


def as_data(batches):
    return [json.loads(batch) if batch else None for batch in batches[1:]]


# An exception's own words are the interpreter's ("divide by zero" on MicroPython, "integer
# division or modulo by zero" on CPython): its type, file and line are compared, not its text.
EXCEPTION_TEXT = re.compile(r"(\b[A-Z]\w*(?:Error|Exception)): [^;]*;")


def as_compared(batches):
    return as_data([EXCEPTION_TEXT.sub(r"\1: ...;", batch) for batch in batches])


def settings_item(options, destination=None):
    item = {"config": APP, "options": json.dumps(options), "dev": False}
    if destination is not None:
        item["destinationId"] = destination
    return json.dumps(item)


def test_the_bridge_sequence_answers_as_on_cpython(tmp_path, monkeypatch):
    texts = [item if type(item) is str else as_javascript_writes(item) for item in BRIDGE]
    [got] = run_web([(None, texts)], tmp_path)
    expected = on_cpython(None, texts, monkeypatch)
    assert json.loads(got[0])["ops"][0][2]["runtime"] == "micropython"
    assert as_data(got) == as_data(expected)


def test_every_call_vector_answers_as_on_cpython(tmp_path, monkeypatch):
    runs = [
        (None, [settings_item(overrides), as_javascript_writes(message)])
        for _, overrides, message, _, _ in CALLS + CONSENT
    ]
    got = run_web(runs, tmp_path)
    failures = []
    for (name, *_), (_, texts), answers in zip(CALLS + CONSENT, runs, got, strict=True):
        if as_data(answers) != as_data(on_cpython(None, texts, monkeypatch)):
            failures.append("%s: %r" % (name, answers))
    assert failures == []


def test_every_transform_vector_answers_as_on_cpython(tmp_path, monkeypatch):
    runs = [
        (source, [settings_item(overrides, destination), as_javascript_writes(message)])
        for _, source, overrides, destination, message, _, _ in TRANSFORMS
    ]
    got = run_web(runs, tmp_path)
    failures = []
    for number, ((name, *_), (source, texts), answers) in enumerate(
        zip(TRANSFORMS, runs, got, strict=True)
    ):
        expected = on_cpython(source, texts, monkeypatch, "site%d.py" % number)
        if as_compared(answers) != as_compared(expected):
            failures.append("%s:\n  got %r\n  CPython %r" % (name, answers[1:], expected[1:]))
    assert failures == [], "\n".join(failures)


def test_a_shipped_transform_is_never_silently_ignored(tmp_path):
    rename = (
        "def transformEvent(event, metadata):\n"
        "    event['event'] = 'Renamed by the site'\n"
        "    return event\n"
    )
    message = json.dumps({"type": "track", "messageId": "m", "event": "E", "properties": {}})
    [with_site, without] = run_web(
        [(rename, [settings_item({}), message]), (None, [settings_item({}), message])], tmp_path
    )
    calls = [op for op in json.loads(with_site[2])["ops"] if op[0] == "call"]
    assert [op[1:3] for op in calls] == [["track", ["Renamed by the site", {}]]]
    plain = [op for op in json.loads(without[2])["ops"] if op[0] == "call"]
    assert [op[1:3] for op in plain] == [["track", ["E", {}]]]


def test_a_transform_that_fails_to_load_is_said(tmp_path):
    broken = "import typing\n\ndef transformEvent(event, metadata):\n    return event\n"
    [answers] = run_web([(broken, [settings_item({"transformErrors": "drop"})])], tmp_path)
    logs = [op[2] for op in json.loads(answers[1])["ops"] if op[0] == "log"]
    assert logs == [
        "heap-device: your transform could not be loaded (ImportError: no module named "
        "'typing'); every message is dropped (transformErrors: \"drop\", the default; to "
        "send such a message as it was instead, build with --options "
        '\'{"transformErrors": "send"}\')'
    ]


def test_a_transforms_error_names_its_file_and_line(tmp_path, monkeypatch):
    source = (
        "def transformEvent(event, metadata):\n"
        "    name = event['event']\n"
        "    return helper(name)\n"
        "\n"
        "def helper(name):\n"
        "    raise ValueError('no ' + name)\n"
    )
    texts = [
        settings_item({"transformErrors": "send", "debug": True}),
        json.dumps({"type": "track", "messageId": "m", "event": "E", "properties": {}}),
    ]
    [got] = run_web([(source, texts)], tmp_path)
    logs = [op[2] for op in json.loads(got[2])["ops"] if op[0] == "log" and op[1] == "error"]
    assert len(logs) == 1, got
    assert "raised at site0.py line 6: ValueError" in logs[0], logs[0]
    expected = on_cpython(source, texts, monkeypatch)
    want = [op[2] for op in json.loads(expected[2])["ops"] if op[0] == "log" and op[1] == "error"]
    assert logs == want


def test_doubles_survive_the_round_trip(tmp_path):
    """Random doubles (every exponent, every mantissa bit) come back as the same doubles."""
    rng = random.Random(21)
    values = []
    while len(values) < 3000:
        value = struct.unpack("<d", rng.getrandbits(64).to_bytes(8, "little"))[0]
        if value == value and abs(value) != float("inf"):
            values.append(value)
    values += [0.1, 0.2 + 0.1, 9882.47, 1e21, 5e-324, 1.7976931348623157e308, -0.0, 2**53 + 2]
    chunks = [values[i : i + 500] for i in range(0, len(values), 500)]
    texts = [settings_item({})] + [
        json.dumps(
            {
                "type": "track",
                "messageId": "m",
                "event": "E",
                "properties": {"v%03d" % i: value for i, value in enumerate(chunk)},
            }
        )
        for chunk in chunks
    ]
    [got] = run_web([(None, texts)], tmp_path)
    back = []
    for batch in got[2:]:
        [call] = [op for op in json.loads(batch)["ops"] if op[0] == "call"]
        back += [call[2][1][key] for key in sorted(call[2][1])]
    assert len(back) == len(values)
    assert [struct.pack("<d", float(v)) for v in back] == [struct.pack("<d", v) for v in values]


def test_a_build_ships_the_runtime_without_transform_modules_only_without_a_transform(tmp_path):
    transform = tmp_path / "site.py"
    transform.write_text("def transformEvent(event, metadata):\n    return event\n")
    for site, own in ((None, "micropython-core"), (transform, "micropython")):
        files = bundle.bundle_files("micropython", transform=site)
        [wasm] = [n for n in files if bundle.logical_name(n) == "micropython/micropython.wasm"]
        assert files[wasm] == bundle.OWN_RUNTIME / (own + ".wasm")
        # Its runtime module carries the glue of the same build (minified with it).
        [name] = [n for n in files if bundle.logical_name(n) == bundle.RUNTIME_SCRIPT]
        shipped = files[name].decode("utf-8")
        rendered = bundle.render_runtime_module("micropython", site=site is not None)
        glue = (bundle.OWN_RUNTIME / (own + ".js")).read_text(encoding="utf-8")
        assert glue.strip() in rendered
        path = bundle.minified_path(bundle.script_template(rendered))
        assert without_build(shipped) == path.read_text(encoding="utf-8")


def test_the_runtime_without_transform_modules_has_none_of_them(tmp_path):
    names = ("re", "time", "random", "hashlib", "binascii", "struct", "array")
    probe = "".join(
        "try:\n    import %s\n    FOUND.append(%r)\nexcept ImportError:\n    pass\n" % (n, n)
        for n in names
    )
    # The core's math is frexp and ldexp alone (core/jstext.py); complex numbers are a
    # transform's only.
    extras = (
        "FOUND += ['deque'] if hasattr(collections, 'deque') else []\n"
        "FOUND += ['math.sin'] if hasattr(math, 'sin') else []\n"
        "try:\n    complex\n    FOUND.append('complex')\nexcept NameError:\n    pass\n"
        "pair = (math.frexp(6.0), math.ldexp(0.75, 3))\n"
        "FOUND += ['frexp'] if pair == ((0.75, 3), 6.0) else []\n"
    )
    source = (
        "import collections\nimport math\nFOUND = []\n"
        + probe
        + extras
        + "def transformEvent(event, metadata):\n"
        "    event['event'] = 'found:' + ','.join(FOUND)\n"
        "    return event\n"
    )
    message = json.dumps({"type": "track", "messageId": "m", "event": "E", "properties": {}})
    found = {}
    for build in ("micropython", "micropython-core"):
        [answers] = run_web([(source, [settings_item({}), message])], tmp_path, build)
        calls = [op for op in json.loads(answers[2])["ops"] if op[0] == "call"]
        found[build] = calls[0][2][0]
    assert found == {
        "micropython": "found:" + ",".join(names + ("deque", "math.sin", "complex", "frexp")),
        "micropython-core": "found:frexp",
    }
