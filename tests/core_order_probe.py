"""What Heap would be handed for each message, on the interpreter this runs on: the calls as the
bridge writes them for JavaScript (tests/test_core_property_order.py reads their key order).

Runs unchanged on CPython, MicroPython and Pyodide (tests/core_runner.mjs loads it in Node).
"""

import json

from heap_device.core import jstext
from heap_device.core.calls import handle
from heap_device.core.settings import resolve_settings


def run(texts):
    """JSON [message text, ...] -> JSON [calls' JSON text, ...], as the bridge encodes them."""
    settings, _ = resolve_settings({"appId": "1234567890"}, {})
    out = []
    for text in json.loads(texts):
        out.append(jstext.dumps_for(handle(text, settings)["calls"], text))
    return json.dumps(out)
