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


def test_the_runtime_module_pins_the_pack_and_every_interpreter_file():
    files = bundle.bundle_files("micropython", "worker")
    runtime = next(n for n in files if bundle.logical_name(n) == bundle.RUNTIME_SCRIPT)
    text = files[runtime].decode("utf-8")
    pins = bundle.build_of(text)["integrity"]
    assert sorted(bundle.logical_name(name) for name in pins) == [
        bundle.MODULE_PACK,
        "micropython/micropython.mjs",
        "micropython/micropython.wasm",
    ]
    assert all(pins[name] == integrity(_bytes(files[name])) for name in pins)
    # trust.js is copied in, once, and the placeholder is gone
    assert text.count("function fetchVerified(") == 1
    assert bundle.TRUST_LINE not in text
