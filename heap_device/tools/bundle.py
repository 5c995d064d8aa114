"""Build the browser bundle: the adapter, the Python that ships, and one interpreter.

What ships is an allow-list: the package's ``__init__.py`` and the ``core`` and ``browser`` folders.
The tools (this folder) never do.
"""

import json
import re
from pathlib import Path

from heap_device.tools import UsageError, assets
from heap_device.tools.assets import ADAPTER, PACKAGE_DIR
from heap_device.tools.output import write_bundle

RUNTIMES = ("micropython", "pyodide")
# How the interpreter starts: through PyScript, or (MicroPython only) straight from
# micropython.mjs, which needs no 'unsafe-eval' in the page's Content-Security-Policy.
BOOTS = ("pyscript", "direct")
# The rooms that ship to the browser (every .py file in them), beside the package's __init__.py.
SHIPPED_ROOMS = ("core", "browser")
# What core.js imports at run time: its core chunk and the six plugin chunks. PyScript imports the
# plugins for both script types, so our config's "!plugin" list cannot keep them out; the editor,
# terminal, codemirror, xterm, TOML and zip chunks are only imported when a page uses them.
PYSCRIPT_FILES = (
    "core.js",
    "core-*.js",
    "deprecations-manager-*.js",
    "donkey-*.js",
    "error-*.js",
    "py-editor-*.js",
    "py-game-*.js",
    "py-terminal-*.js",
)
RUNTIME_FILES = {
    "micropython": (
        "@micropython/micropython-webassembly-pyscript",
        ("micropython.mjs", "micropython.wasm"),
    ),
    "pyodide": (
        "pyodide",
        (
            "pyodide.mjs",
            "pyodide.asm.mjs",
            "pyodide.asm.wasm",
            "python_stdlib.zip",
            "pyodide-lock.json",
        ),
    ),
}
BUILD_LINE = re.compile(r"^(\s*var BUILD = ).*;$", re.MULTILINE)


def browser_modules():
    """Paths (under heap_device/) of the modules the browser needs, sorted: builds reproduce."""
    names = ["__init__.py"]
    for room in SHIPPED_ROOMS:
        names += [room + "/" + p.name for p in (PACKAGE_DIR / room).glob("*.py")]
    return sorted(names)


def check_boot(runtime, boot):
    if boot == "direct" and runtime != "micropython":
        raise UsageError("--boot direct works with --runtime micropython only")


def render_adapter(runtime, boot="pyscript"):
    """The heap-device.js a build writes (deterministic, so it can be hashed)."""
    check_boot(runtime, boot)
    text = ADAPTER.read_text(encoding="utf-8")
    build = json.dumps({"runtime": runtime, "boot": boot, "modules": browser_modules()})
    text, count = BUILD_LINE.subn(lambda m: m.group(1) + build + ";", text, count=1)
    if count != 1:
        raise UsageError(f"{ADAPTER} has no 'var BUILD = ...;' line to fill in")
    return text


def build(out, runtime, boot="pyscript", force=False, pyodide_dir=None):
    """Write a self-contained bundle: adapter, Python modules, PyScript and one interpreter."""
    return write_bundle(out, bundle_files(runtime, boot, pyodide_dir), force)


def bundle_files(runtime, boot="pyscript", pyodide_dir=None):
    """What a build writes: {path in the bundle: bytes (text we render) or a source Path}."""
    check_boot(runtime, boot)
    files = {"heap-device.js": render_adapter(runtime, boot).encode("utf-8")}
    for name in browser_modules():
        files["heap_device/" + name] = PACKAGE_DIR / name
    if boot == "pyscript":
        pyscript_dist = assets.package_dir("@pyscript/core") / "dist"
        for pattern in PYSCRIPT_FILES:
            found = sorted(
                p.name for p in pyscript_dist.glob(pattern) if not p.name.endswith(".map")
            )
            if not found:
                raise UsageError(f"{pyscript_dist} has no {pattern}: {assets.fix_missing()}")
            for name in found:
                files["pyscript/" + name] = pyscript_dist / name
    package, names = RUNTIME_FILES[runtime]
    for name in names:
        files[runtime + "/" + name] = assets.package_dir(package, pyodide_dir) / name
    for source in files.values():
        if isinstance(source, Path) and not source.is_file():
            raise UsageError(f"{source} is missing: {assets.fix_missing()}")
    return files
