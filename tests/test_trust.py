"""The chain of trust (issue 18 item 2): each script's BUILD.integrity holds the sha384 of every
file it loads, so that the tag's SRI (which pins the entry) pins every byte that runs."""

import pytest

from heap_device.tools import bundle
from heap_device.tools.snippet import integrity


def _bytes(source):
    return source if isinstance(source, bytes) else source.read_bytes()


@pytest.mark.parametrize(
    "boot, dev, entry_loads",
    [
        ("worker", False, ["heap-device-runtime.js"]),
        ("worker", True, ["heap-device-runtime.js"]),
        ("pyscript", False, ["pyscript/core.js"]),
    ],
)
def test_the_entry_pins_what_it_loads(boot, dev, entry_loads):
    files = bundle.bundle_files("micropython", boot, dev=dev)
    build = bundle.build_of(_bytes(files[bundle.entry_of(files)]).decode("utf-8"))
    pins = build["integrity"]
    assert sorted(bundle.logical_name(name) for name in pins) == entry_loads
    assert all(pins[name] == integrity(_bytes(files[name])) for name in pins)


def _runtime_module(files):
    runtime = next(n for n in files if bundle.logical_name(n) == bundle.RUNTIME_SCRIPT)
    text = files[runtime].decode("utf-8")
    return text, bundle.build_of(text)["integrity"]


def test_the_runtime_module_pins_every_file_it_loads():
    files = bundle.bundle_files("micropython", "worker")
    _, pins = _runtime_module(files)
    # heap_device is frozen into our runtime and its glue is in the runtime module: the .wasm
    # is the one other file (no module pack without a site transform).
    assert sorted(bundle.logical_name(name) for name in pins) == ["micropython/micropython.wasm"]
    assert sorted(bundle.logical_name(name) for name in files if name not in pins) == [
        "heap-device-runtime.js",
        "heap-device.js",
    ]
    assert all(pins[name] == integrity(_bytes(files[name])) for name in pins)
    # trust.js and the glue are copied in, once, and the placeholders are gone (as rendered: the
    # build ships it minified, tests/test_minified.py)
    text = bundle.render_runtime_module("micropython", site=False)
    assert text.count("function fetchVerified(") == 1
    assert bundle.TRUST_LINE not in text
    assert text.count("var createHeapDevicePython") == 1
    assert bundle.GLUE_LINE not in text


def test_a_transform_build_pins_its_pack(tmp_path):
    site = tmp_path / "t.py"
    site.write_text("def transformEvent(event, metadata):\n    return event\n", encoding="utf-8")
    files = bundle.bundle_files("micropython", "worker", transform=site)
    _, pins = _runtime_module(files)
    assert sorted(bundle.logical_name(name) for name in pins) == [
        bundle.MODULE_PACK,
        "micropython/micropython.wasm",
    ]
    assert all(pins[name] == integrity(_bytes(files[name])) for name in pins)


def test_pyodide_builds_pin_every_interpreter_file():
    files = bundle.bundle_files("pyodide", "worker")
    _, pins = _runtime_module(files)
    names = sorted(bundle.logical_name(name) for name in pins)
    assert "pyodide/pyodide.asm.mjs" in names and "pyodide/pyodide.mjs" in names
    assert all(pins[name] == integrity(_bytes(files[name])) for name in pins)
