"""Reading a module pack back (tests only: browsers unpack it in heap-device-runtime.js)."""

import json


def unpack_modules(data):
    """MODULE_PACK bytes -> {path under heap_device/: bytes} (bundle.pack_modules' inverse)."""
    size = int.from_bytes(data[:4], "little")
    at = 4 + size
    modules = {}
    for name, length in json.loads(data[4:at].decode("utf-8")):
        modules[name] = data[at : at + length]
        at += length
    return modules
