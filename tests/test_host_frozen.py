"""The committed host build (heap_device/tools/host/, make -C runtime/host) froze today's
heap_device sources: `try` runs the core as it is, not as it was (frozen.json records them)."""

import hashlib
import importlib.util
import json

from heap_device.tools import hostpython
from heap_device.tools.assets import PACKAGE_DIR, REPO_DIR

RECORD = hostpython.FOLDER / "frozen.json"
FROZEN_RULE = REPO_DIR / "runtime" / "variant" / "frozen.py"


def frozen_files(package_dir):
    spec = importlib.util.spec_from_file_location("heap_device_host_frozen_rule", FROZEN_RULE)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return ["heap_device/" + name for name in module.frozen_files(str(package_dir))]


def stale(record, package_dir):
    """One line per heap_device file the host build did not freeze as it is today."""
    wanted = frozen_files(package_dir)
    frozen = record["frozen"]
    fix = "rebuild the host runtime: make -C runtime/host"
    lines = []
    for name in sorted(set(wanted) | set(frozen)):
        path = package_dir / name.removeprefix("heap_device/")
        if name not in frozen:
            lines.append("%s is new since the host build: %s" % (name, fix))
        elif name not in wanted:
            lines.append("%s is gone since the host build: %s" % (name, fix))
        elif hashlib.sha256(path.read_bytes()).hexdigest() != frozen[name]:
            lines.append("%s changed since the host build: %s" % (name, fix))
    return lines


def test_the_host_build_froze_todays_heap_device():
    record = json.loads(RECORD.read_text(encoding="utf-8"))
    problems = stale(record, PACKAGE_DIR)
    assert not problems, "\n".join(problems)


def test_the_record_is_of_the_shipped_wasm():
    record = json.loads(RECORD.read_text(encoding="utf-8"))
    data = hostpython.WASM.read_bytes()
    assert record["wasm"] == {"bytes": len(data), "sha256": hashlib.sha256(data).hexdigest()}


def test_an_edited_core_file_is_named(tmp_path):
    record = json.loads(RECORD.read_text(encoding="utf-8"))
    name = "heap_device/core/calls.py"
    record["frozen"][name] = "0" * 64
    assert stale(record, PACKAGE_DIR) == [
        "%s changed since the host build: rebuild the host runtime: make -C runtime/host" % name
    ]
