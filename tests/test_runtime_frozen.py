"""The committed runtime (static/runtime/, `make runtime`) froze today's heap_device sources.

heap_device's browser modules are frozen into the .wasm: an edit to heap_device/core or
heap_device/browser reaches browsers only once the runtime is rebuilt. build.json records the
sha256 of each frozen file; no toolchain is needed to compare them.
"""

import hashlib
import importlib.util

from heap_device.tools import bundle
from heap_device.tools.assets import PACKAGE_DIR, REPO_DIR

FROZEN_RULE = REPO_DIR / "runtime" / "variant" / "frozen.py"


def _frozen_rule():
    spec = importlib.util.spec_from_file_location("heap_device_runtime_frozen", FROZEN_RULE)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def stale_sources(record, package_dir):
    """Lines naming each heap_device file that the runtime in `record` did not freeze as it is."""
    wanted = ["heap_device/" + name for name in _frozen_rule().frozen_files(str(package_dir))]
    frozen = record.get("frozen", {})
    problems = []
    for name in sorted(set(wanted) | set(frozen)):
        path = package_dir / name[len("heap_device/") :]
        if name not in frozen:
            problems.append(f"{name} is new since the runtime was built: run make runtime")
        elif name not in wanted:
            problems.append(f"{name} is gone since the runtime was built: run make runtime")
        elif hashlib.sha256(path.read_bytes()).hexdigest() != frozen[name]:
            problems.append(f"{name} changed since the runtime was built: run make runtime")
    return problems


def test_the_runtime_froze_todays_heap_device():
    problems = stale_sources(bundle.own_runtime_record(), PACKAGE_DIR)
    assert not problems, "\n".join(problems)


def test_the_committed_outputs_are_the_ones_recorded():
    record = bundle.own_runtime_record()
    for name, seen in record["files"].items():
        data = (bundle.OWN_RUNTIME / name).read_bytes()
        got = (len(data), hashlib.sha256(data).hexdigest())
        assert got == (seen["bytes"], seen["sha256"]), name


def test_an_edited_new_or_removed_module_is_named(tmp_path):
    package = tmp_path / "heap_device"
    for name in _frozen_rule().frozen_files(str(PACKAGE_DIR)):
        (package / name).parent.mkdir(parents=True, exist_ok=True)
        (package / name).write_bytes((PACKAGE_DIR / name).read_bytes())
    record = bundle.own_runtime_record()
    assert stale_sources(record, package) == []
    (package / "core" / "jstext.py").write_text("# edited\n", encoding="utf-8")
    (package / "core" / "newer.py").write_text("", encoding="utf-8")
    (package / "browser" / "report.py").unlink()
    (package / "browser" / "main.py").write_text("", encoding="utf-8")  # never frozen
    assert stale_sources(record, package) == [
        "heap_device/browser/report.py is gone since the runtime was built: run make runtime",
        "heap_device/core/jstext.py changed since the runtime was built: run make runtime",
        "heap_device/core/newer.py is new since the runtime was built: run make runtime",
    ]
