"""`heap-device try` as a user runs it: a new process, no Node.js on PATH, the browser's
MicroPython answering (issue 21 item 3: no Node.js asked of users)."""

import json
import os
import subprocess
import sys

RULES = (
    "import sys\n"
    "def transformEvent(event, metadata):\n"
    "    event['properties'] = {'impl': sys.implementation.name}\n"
    "    return event\n"
)


def test_try_runs_in_a_new_process_without_node(tmp_path):
    rules = tmp_path / "rules.py"
    rules.write_text(RULES, encoding="utf-8")
    env = dict(os.environ, PATH=os.path.dirname(sys.executable))  # python only: no node
    message = json.dumps({"type": "track", "event": "E"})
    done = subprocess.run(
        [sys.executable, "-m", "heap_device.tools.cli", "try", "--transform", str(rules)],
        input=message,
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.endswith('heap.track("E", {"impl":"micropython"})\n')
