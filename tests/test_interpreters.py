"""The core's vectors on MicroPython and Pyodide, the interpreters it runs on in the browser.

Each row must give exactly what docs/contract.md says, as on CPython; a core that slips on either
interpreter (dict order, bool-is-not-int, recursion depth, float text) fails here. MicroPython is
heap-device's own, the variant the browser runs, through its host build (no Node.js: the core
frozen into it, each transform compiled by mpy-cross as the build does); Pyodide is the npm
build, through Node.
"""

import json
import shutil
import subprocess
from pathlib import Path

import pytest
from conftest import as_javascript_writes
from vectors import BRIDGE, CALLS, CONSENT, LOADER, SETTINGS, SETTINGS_ERRORS, TRANSFORMS

from heap_device.browser.bridge import Bridge
from heap_device.tools import hostpython

ROOT = Path(__file__).resolve().parent.parent
RUNNER = ROOT / "tests" / "interpreters" / "run_vectors.mjs"
PYODIDE = "pyodide/pyodide.mjs"
HOST_MAIN = (
    "import json\nfrom host_input import TEXT\nimport vector_runner\n"
    "print(vector_runner.run(json.loads(TEXT)))\n"
)


def messages_texts():
    return {
        "calls": [as_javascript_writes(row[2]) for row in CALLS + CONSENT],
        "bridge": bridge_texts(),
        "transforms": [as_javascript_writes(row[4]) for row in TRANSFORMS],
    }


def on_micropython():
    """The vectors on the host build of heap-device's MicroPython."""
    modules = {"host_input": json.dumps(messages_texts(), ensure_ascii=False)}
    for name in ("vectors.py", "interpreters/vector_runner.py"):
        source = (ROOT / "tests" / name).read_text(encoding="utf-8")
        module = name.split("/")[-1][:-3]
        modules[module] = hostpython.compile_source(source, name.split("/")[-1])
    for row, vector in enumerate(TRANSFORMS):
        name = "vector_transform_%d" % row
        modules[name] = hostpython.compile_source(vector[1], name + ".py")
    done = hostpython.run(hostpython.compile_source(HOST_MAIN, "main.py"), modules)
    assert done.status == 0, done.stderr[-3000:]
    return json.loads(done.stdout)


@pytest.fixture(scope="module", params=["micropython", "pyodide"])
def results(request, tmp_path_factory):
    runtime = request.param
    if runtime == "micropython":
        out = on_micropython()
        assert out["implementation"] == "micropython"
        return out
    if shutil.which("node") is None:
        pytest.fail("node is needed to run the vectors on %s (make test installs it)" % runtime)
    if not (ROOT / "node_modules" / PYODIDE).exists():
        pytest.fail("node_modules is missing %s: run `npm ci`" % PYODIDE)
    messages = tmp_path_factory.mktemp(runtime) / "messages.json"
    messages.write_text(json.dumps(messages_texts(), ensure_ascii=False), encoding="utf-8")
    done = subprocess.run(
        ["node", str(RUNNER), runtime, str(ROOT), str(messages)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    out = json.loads(done.stdout)
    assert out["implementation"] == "cpython"
    return out


def bridge_texts():
    return [item if type(item) is str else as_javascript_writes(item) for item in BRIDGE]


def same_rows(got, rows):
    """Every row came back, in order: a zip over fewer results would pass on missing rows."""
    assert [entry[0] for entry in got] == [row[0] for row in rows]
    return zip(got, rows, strict=True)


def test_every_call_vector(results):
    failures = []
    for (name, got, warns), (_, _, _, expected, warning) in same_rows(
        results["calls"], CALLS + CONSENT
    ):
        ok = got == expected
        if warning is None:
            ok = ok and warns == []
        else:
            ok = ok and len(warns) == 1 and warning in warns[0]
        if not ok:
            failures.append("%s: got %r warns %r" % (name, got, warns))
    assert failures == []


def test_every_settings_vector(results):
    for (name, settings, warns), (_, _, _, expected, warning) in same_rows(
        results["settings"], SETTINGS
    ):
        for key, value in expected.items():
            assert settings[key] == value, (name, key)
        assert (warns == []) if warning is None else (warning in warns[0]), name


def test_every_settings_error(results):
    for (name, error), (_, _, _, message) in same_rows(results["errors"], SETTINGS_ERRORS):
        assert error is not None and message in error, (name, error)


def test_every_loader_vector(results):
    for (name, plan), (_, _, expected) in same_rows(results["loader"], LOADER):
        for key, value in expected.items():
            assert plan[key] == value, (name, key)


def test_the_bridge_answers_as_on_cpython(results):
    """One page's items through a Bridge: the same batches (as data) as on CPython."""
    bridge = Bridge()
    expected = [bridge.start()] + [bridge.receive(text) for text in bridge_texts()]
    got = results["bridge"]
    assert len(got) == len(expected)
    ready = json.loads(got[0])["ops"][0][2]
    assert ready["runtime"] == results["implementation"]
    assert [json.loads(batch) if batch else None for batch in got[1:]] == [
        json.loads(batch) if batch else None for batch in expected[1:]
    ]
    assert all(expected[1:]), "every item of the sequence gives a batch (dev and debug are on)"


def test_every_transform_vector(results):
    """§9 on the interpreter: the same calls, and the outcome (the row's dev detail aside)."""
    failures = []
    for (name, got, outcome), (_, _, _, _, _, expected, want) in same_rows(
        results["transforms"], TRANSFORMS
    ):
        want = "changed" if want == "unchanged" else want  # "unchanged" is told only in dev
        if got != expected or outcome != want:
            failures.append("%s: got %r, outcome %r" % (name, got, outcome))
    assert failures == []
