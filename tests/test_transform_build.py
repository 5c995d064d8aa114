"""docs/contract.md §9 at build time: a site's transform is checked (one line, nothing written),
compiled like our modules, and packed under the one name the bridge imports."""

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from e2e.packs import unpack_modules
from heap_device.tools import UsageError, runtime_modules
from heap_device.tools import transform as site_transform
from heap_device.tools.bundle import MODULE_PACK, bundle_files, logical_name
from heap_device.tools.cli import main

ROOT = Path(__file__).resolve().parent.parent
GOOD = "def transformEvent(event, metadata):\n    return event\n"


def render_pyodide_builtins(names):
    """heap_device/tools/runtime_modules.py with PYODIDE_BUILTINS as the pinned Pyodide says."""
    text = (ROOT / "heap_device/tools/runtime_modules.py").read_text(encoding="utf-8")
    head = text.split("PYODIDE_BUILTINS = (\n", 1)[0]
    return head + "PYODIDE_BUILTINS = (\n" + "".join('    "%s",\n' % n for n in names) + ")\n"


def test_pyodide_builtins_are_the_pinned_pyodides():
    if shutil.which("node") is None:
        pytest.fail("node is needed to ask Pyodide (make test installs it)")
    done = subprocess.run(
        ["node", str(ROOT / "tests/interpreters/runtime_modules.mjs"), str(ROOT)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    found = json.loads(done.stdout)
    want = render_pyodide_builtins(found["pyodide"])
    have = (ROOT / "heap_device/tools/runtime_modules.py").read_text(encoding="utf-8")
    assert have == want, "Pyodide changed: write heap_device/tools/runtime_modules.py as\n" + want


def test_the_module_lists_hold_what_each_runtime_has():
    assert {"json", "re", "ujson", "collections", "hashlib"} <= set(runtime_modules.MICROPYTHON)
    assert {"__future__", "typing", "dataclasses", "os"}.isdisjoint(runtime_modules.MICROPYTHON)
    assert {"sys", "math", "time"} <= set(runtime_modules.PYODIDE_BUILTINS)


CHECKS = [
    (
        "a syntax error names its line",
        "def transformEvent(event, metadata):\n    return event +\n",
        "micropython",
        "rules.py:2: syntax error: invalid syntax; fix that line",
    ),
    (
        "no transformEvent",
        "def transform_event(event, metadata):\n    return event\n",
        "micropython",
        "rules.py: no transformEvent: define def transformEvent(event, metadata): at the top "
        "level of the file",
    ),
    (
        "one argument",
        "def transformEvent(event):\n    return event\n",
        "micropython",
        "rules.py:1: transformEvent takes 1 argument(s); it must take two: "
        "def transformEvent(event, metadata):",
    ),
    (
        "three arguments",
        "x = 1\n\ndef transformEvent(event, metadata, more):\n    return event\n",
        "pyodide",
        "rules.py:3: transformEvent takes 3 argument(s); it must take two: "
        "def transformEvent(event, metadata):",
    ),
    (
        "an import MicroPython lacks",
        "import json\nfrom typing import Any\n" + GOOD,
        "micropython",
        "rules.py:2: imports typing, which the micropython runtime does not have; use what "
        "MicroPython has (docs/transformations.md) or build with --runtime pyodide",
    ),
    (
        "a submodule MicroPython lacks",
        "import collections.abc\n" + GOOD,
        "micropython",
        "rules.py:1: imports collections.abc, which the micropython runtime does not have; use "
        "what MicroPython has (docs/transformations.md) or build with --runtime pyodide",
    ),
    (
        "an import inside the function counts too",
        "def transformEvent(event, metadata):\n    import requests\n    return event\n",
        "pyodide",
        "rules.py:2: imports requests, which the pyodide runtime does not have; requests is a "
        "Pyodide package the bundle does not load; copy what you need of it into your file",
    ),
    (
        "Python that MicroPython's compiler refuses",
        "def transformEvent(event, metadata):\n    match event:\n        case _:\n"
        "            return event\n",
        "micropython",
        "rules.py:2: MicroPython cannot compile it: SyntaxError: invalid syntax (MicroPython's "
        "Python is a subset: see docs/transformations.md)",
    ),
]


@pytest.mark.parametrize(
    "source, runtime, message", [r[1:] for r in CHECKS], ids=[r[0] for r in CHECKS]
)
def test_a_bad_transform_is_one_line_and_nothing_is_written(
    tmp_path, monkeypatch, capsys, source, runtime, message
):
    monkeypatch.chdir(tmp_path)
    Path("rules.py").write_text(source, encoding="utf-8")
    argv = ["build", "--out", "out", "--runtime", runtime, "--transform", "rules.py"]
    assert main(argv) == 2
    assert capsys.readouterr().err == "heap-device: " + message + "\n"
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize(
    "source",
    [
        "import json, re, ujson\nfrom collections import OrderedDict\n" + GOOD,
        "def transformEvent(event, *more):\n    return event\n",
        "def transformEvent(event, metadata, extra=None):\n    return event\n",
    ],
)
def test_what_micropython_has_passes(tmp_path, source):
    path = tmp_path / "rules.py"
    path.write_text(source, encoding="utf-8")
    assert site_transform.check(path, "micropython") == source


def test_a_missing_file_is_named(tmp_path):
    with pytest.raises(UsageError, match="nope.py: no such file"):
        site_transform.check(tmp_path / "nope.py", "micropython")


def _build(tmp_path, runtime, boot, source=GOOD):
    path = tmp_path / "mask_email.py"
    path.write_text(source, encoding="utf-8")
    return by_logical_name(bundle_files(runtime, boot, transform=path))


def by_logical_name(files):
    """A build's files keyed as the sources name them (the build names them by content)."""
    return {logical_name(name): source for name, source in files.items()}


def _build_line(files):
    text = files["heap-device.js"].decode("utf-8")
    return json.loads(text.split("var BUILD = ", 1)[1].split(";\n", 1)[0])


def test_the_worker_build_packs_the_transform_as_mpy_and_sends_whole_messages(tmp_path):
    files = _build(tmp_path, "micropython", "worker")
    modules = unpack_modules(files[MODULE_PACK])
    data = modules["site_transform.mpy"]
    assert data[:2] == b"M\x06"
    assert b"mask_email.py" in data  # tracebacks name the user's file, not ours
    assert _build_line(files)["fields"] is None
    # Only the site's module travels: the core (its transform module too) is frozen in the runtime.
    assert set(modules) == {"site_transform.mpy"}
    plain = by_logical_name(bundle_files("micropython", "worker"))
    assert MODULE_PACK not in plain or "site_transform.mpy" not in unpack_modules(
        plain[MODULE_PACK]
    )
    assert _build_line(plain)["fields"] is not None


def test_the_pyscript_build_lists_the_transform_source(tmp_path):
    files = _build(tmp_path, "micropython", "pyscript")
    # The site's file as written, then the name its errors give (its line numbers unchanged).
    shipped = GOOD + '\n__transform_file__ = "mask_email.py"\n'
    assert files["heap_device/site_transform.py"] == shipped.encode("utf-8")
    build = _build_line(files)
    assert "site_transform.py" in build["modules"] and build["fields"] is None
    assert "core/transform.py" in build["modules"] and "heap_device/core/transform.py" in files
    plain = by_logical_name(bundle_files("micropython", "pyscript"))
    assert "core/transform.py" not in _build_line(plain)["modules"]


def test_the_bridge_imports_the_module_name_the_build_writes():
    from heap_device.browser import bridge

    assert site_transform.MODULE_NAME == "heap_device." + site_transform.MODULE
    assert site_transform.MODULE_NAME in Path(bridge.__file__).read_text(encoding="utf-8")


def test_build_with_a_transform_then_snippet_from_it(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    Path("rules.py").write_text(GOOD, encoding="utf-8")
    assert main(["build", "--out", "out", "--transform", "rules.py"]) == 0
    capsys.readouterr()
    assert main(["snippet", "--from", "out", "--base-url", "/heap"]) == 0
    tag = capsys.readouterr().out
    assert tag.startswith('<script src="/heap/heap-device') and 'integrity="sha384-' in tag


def test_the_pyscript_build_refuses_what_micropythons_compiler_refuses(
    tmp_path, monkeypatch, capsys
):
    """It ships source, not .mpy, yet MicroPython compiles it on the page: checked all the same."""
    monkeypatch.chdir(tmp_path)
    source = "def transformEvent(event, metadata):\n    match event:\n        case _:\n"
    source += "            return event\n"
    Path("rules.py").write_text(source, encoding="utf-8")
    argv = ["build", "--out", "out", "--boot", "pyscript", "--transform", "rules.py"]
    assert main(argv) == 2
    assert capsys.readouterr().err.startswith("heap-device: rules.py:2: MicroPython cannot compile")
    assert not (tmp_path / "out").exists()
