"""Issue 18's critical path, Python's share: the settings item is answered (the loader plan, which
asks for heap.js) before the mapping's modules are imported, so heap.js downloads while they load.
Checked in a fresh interpreter (other tests have imported everything already)."""

import json
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
SETTINGS = {"config": {"appId": "1234567890"}, "options": None, "dev": False}
TRACK = {"type": "track", "event": "Signed Up", "messageId": "m-1", "properties": {"plan": "pro"}}

PROGRAM = """
import json, sys
from heap_device.browser import bridge
MAPPING = ("heap_device.core.calls", "heap_device.core.properties", "heap_device.core.order")
seen = {"start": [m for m in MAPPING if m in sys.modules]}
b = bridge.Bridge()
b.start()
plan = b.receive(sys.argv[1])
seen["settings"] = [m for m in MAPPING if m in sys.modules]
seen["plan"] = [op[0] for op in json.loads(plan)["ops"]]
track = b.receive(sys.argv[2])
seen["message"] = [m for m in MAPPING if m in sys.modules]
seen["calls"] = [op[1] for op in json.loads(track)["ops"] if op[0] == "call"]
print(json.dumps(seen))
"""


def test_the_settings_answer_needs_no_mapping_module_and_a_message_imports_them():
    done = subprocess.run(
        [sys.executable, "-c", PROGRAM, json.dumps(SETTINGS), json.dumps(TRACK)],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=True,
    )
    seen = json.loads(done.stdout)
    assert seen["start"] == []
    assert seen["settings"] == []
    assert seen["plan"] == ["plan"]
    assert seen["message"] == [
        "heap_device.core.calls",
        "heap_device.core.properties",
        "heap_device.core.order",
    ]
    assert seen["calls"] == ["track"]
