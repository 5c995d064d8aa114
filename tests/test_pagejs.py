"""The page side's assembly: static/page/*.js (ES modules) -> the heap-device.js a site loads."""

import re
import shutil
import subprocess

import pytest

from heap_device.tools import UsageError, pagejs
from heap_device.tools.bundle import BOOTS, render_adapter
from heap_device.tools.pagejs import PAGE_DIR

# What only the demo, the tests and page tools use: never in a site's (production) build.
DEV_ONLY = ("heap-device:message", "running = true", "devTools", "timeOrigin", "onHandOver = ")
# What only the PyScript build uses: never in a worker build.
PYSCRIPT_ONLY = ("rs.push(", "rs.apply =", "rs.flush =", "pyscript/core.js", "browser/main.py")
MAX_FILE_LINES = 250
MAX_FUNCTION_LINES = 60


@pytest.mark.parametrize("boot", BOOTS)
def test_a_production_build_carries_nothing_for_tools(boot):
    shipped = render_adapter("micropython", boot)
    for name in DEV_ONLY + (PYSCRIPT_ONLY if boot == "worker" else ()):
        assert not re.search(r"\b" + re.escape(name), shipped), name
    dev = render_adapter("micropython", boot, dev=True)
    for name in DEV_ONLY[:3]:
        assert name in dev, name
    if boot == "pyscript":
        assert all(re.search(r"\b" + re.escape(name), shipped) for name in PYSCRIPT_ONLY)


def test_the_worker_start_is_not_in_the_pyscript_build():
    assert "new Worker(" not in render_adapter("micropython", "pyscript")
    assert "new Worker(" in render_adapter("micropython", "worker")


@pytest.mark.parametrize("dev", [False, True])
@pytest.mark.parametrize("boot", BOOTS)
def test_the_assembly_is_deterministic_and_one_function_scope(boot, dev):
    text = render_adapter("micropython", boot, dev)
    assert text == render_adapter("micropython", boot, dev)
    assert text.startswith("(function () {\n'use strict';\n  var BUILD = {")
    assert text.endswith("main(BUILD, startRuntime%s);\n})();\n" % (", devTools" if dev else ""))
    assert not re.search(r"^\s*(import|export)\b(?!\()", text, re.MULTILINE)
    assert '"dev": %s' % ("true" if dev else "false") in text


def test_modules_come_after_the_modules_they_import():
    order = pagejs.module_names("worker", dev=True)
    assert order[-1] == "dev.js"
    assert not pagejs.IMPORT.findall((PAGE_DIR / order[0]).read_text(encoding="utf-8"))
    for name in order:
        for imported in pagejs.IMPORT.findall((PAGE_DIR / name).read_text(encoding="utf-8")):
            assert order.index(imported) < order.index(name), (imported, name)


def test_two_modules_declaring_one_name_is_an_error(monkeypatch, tmp_path):
    for path in PAGE_DIR.glob("*.js"):
        shutil.copy(path, tmp_path / path.name)
    with open(tmp_path / "boot.js", "a", encoding="utf-8") as f:
        f.write("function plain() {}\n")
    monkeypatch.setattr(pagejs, "PAGE_DIR", tmp_path)
    with pytest.raises(UsageError, match="plain is declared in both"):
        pagejs.assemble({"boot": "worker"})


def test_an_import_cycle_is_an_error(monkeypatch, tmp_path):
    for path in PAGE_DIR.glob("*.js"):
        shutil.copy(path, tmp_path / path.name)
    with open(tmp_path / "state.js", "a", encoding="utf-8") as f:
        f.write("import { main } from './main.js';\n")
    monkeypatch.setattr(pagejs, "PAGE_DIR", tmp_path)
    with pytest.raises(UsageError, match="import cycle"):
        pagejs.module_names("worker")


@pytest.mark.skipif(not shutil.which("node"), reason="node checks the syntax")
@pytest.mark.parametrize("boot", BOOTS)
def test_the_assembled_script_parses(boot, tmp_path):
    path = tmp_path / "heap-device.js"
    path.write_text(render_adapter("micropython", boot, dev=True), encoding="utf-8")
    subprocess.run(["node", "--check", str(path)], check=True)


def _function_lengths(text):
    """(first line, lines) of every function: braces counted outside strings and comments."""
    found, stack, line, i = [], [], 1, 0
    pending = None
    while i < len(text):
        c = text[i]
        if c == "\n":
            line += 1
        elif text.startswith("//", i):
            i = text.index("\n", i) - 1
        elif text.startswith("/*", i):
            end = text.index("*/", i)
            line += text.count("\n", i, end)
            i = end + 1
        elif c in "'\"`":
            j = i + 1
            while text[j] != c:
                j += 2 if text[j] == "\\" else 1
            line += text.count("\n", i, j)
            i = j
        elif text.startswith("function", i) and not text[i - 1 : i].isalnum():
            pending = line
        elif c == "{":
            stack.append(pending)
            pending = None
        elif c == "}":
            start = stack.pop()
            if start is not None:
                found.append((start, line - start + 1))
        i += 1
    return found


def page_files():
    return sorted(PAGE_DIR.glob("*.js")) + [PAGE_DIR.parent / "heap-device-runtime.js"]


@pytest.mark.parametrize("path", page_files(), ids=lambda p: p.name)
def test_small_files_and_functions(path):
    text = path.read_text(encoding="utf-8")
    assert text.count("\n") <= MAX_FILE_LINES
    long = [(at, n) for at, n in _function_lengths(text) if n > MAX_FUNCTION_LINES]
    assert long == [], f"{path.name}: functions over {MAX_FUNCTION_LINES} lines at {long}"


def test_the_function_measure_counts_lines():
    text = "function a() {\n  var s = '}';\n  return { b: function () {\n  } };\n}\n"
    assert sorted(_function_lengths(text)) == [(1, 5), (3, 2)]
