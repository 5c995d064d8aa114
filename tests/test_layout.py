"""The three rooms (README "How it is built"): imports flow as the README's arrows say (browser ->
core, tools -> core), never back, no import circles, and what ships to the browser holds no tooling.

Read from the source with ``ast`` (nothing is imported), so a slip fails here before any browser
runs: a tooling import in the core would otherwise be found only by a website's console.
"""

import ast
import re
from pathlib import Path

import pytest

from heap_device.tools.bundle import browser_modules

PACKAGE = Path(__file__).resolve().parent.parent / "heap_device"
README = PACKAGE.parent / "README.md"
ROOMS = ("core", "browser", "tools")


def _readme_arrows():
    """{(room, room it imports)} as the README's "How it is built" draws them: **a → b**."""
    text = README.read_text(encoding="utf-8")
    section = text.split("## How it is built", 1)[1].split("\n## ", 1)[0]
    return set(re.findall(r"\*\*(\w+) → (\w+)\*\*", section))


# Which rooms each room may import from (besides itself and the package's __init__).
MAY_IMPORT = {room: {b for a, b in _readme_arrows() if a == room} for room in ROOMS}
# Standard-library and third-party modules that only CPython tooling uses; none may ship.
TOOLING = {
    "argparse",
    "http",
    "jinja2",
    "markupsafe",
    "subprocess",
    "socket",
    "socketserver",
    "shutil",
    "tempfile",
    "threading",
    "pathlib",
    "urllib",
    "playwright",
    "pytest",
}


def _module_name(path):
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _imports(path):
    """Every module name imported anywhere in the file (top level or inside functions)."""
    tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
    here = _module_name(path).split(".")
    package = here if path.name == "__init__.py" else here[:-1]
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            module = node.module or ""
            if node.level:  # relative: resolve against this module's package
                base = package[: len(package) - node.level + 1]
                module = ".".join(base + ([module] if module else []))
            names.add(module)
            # `from heap_device.core import calls` imports the submodule heap_device.core.calls
            names.update(module + "." + alias.name for alias in node.names)
    return names


def _graph():
    modules = {_module_name(p): p for p in PACKAGE.rglob("*.py")}
    edges = {}
    for name, path in modules.items():
        edges[name] = {m for m in _imports(path) if m in modules and m != name}
    return modules, edges


def _room(module):
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else None  # None: the package's own __init__


def test_every_module_lives_in_a_room():
    modules, _ = _graph()
    loose = [m for m in modules if m != "heap_device" and _room(m) not in ROOMS]
    assert loose == [], "modules outside core/, browser/, tools/: %s" % loose


@pytest.mark.parametrize("room", ROOMS)
def test_imports_flow_one_way(room):
    modules, edges = _graph()
    wrong = []
    for module in modules:
        if _room(module) != room:
            continue
        for target in edges[module]:
            other = _room(target)
            if other not in (None, room) and other not in MAY_IMPORT[room]:
                wrong.append("%s imports %s" % (module, target))
    assert wrong == []


def test_the_readme_arrows_are_the_imports():
    modules, edges = _graph()
    used = {
        (_room(module), _room(target))
        for module in modules
        for target in edges[module]
        if _room(module) and _room(target) and _room(module) != _room(target)
    }
    assert _readme_arrows() == used


def test_no_import_circles():
    modules, edges = _graph()
    # A package imports its own __init__ implicitly; only explicit edges count.
    state = {}  # module -> "open" while on the path, "done" after
    circles = []

    def visit(module, path):
        state[module] = "open"
        for target in sorted(edges[module]):
            if state.get(target) == "open":
                circles.append(" -> ".join(path[path.index(target) :] + [target]))
            elif target not in state:
                visit(target, path + [target])
        state[module] = "done"

    for module in sorted(modules):
        if module not in state:
            visit(module, [module])
    assert circles == []


def test_the_bundle_ships_core_and_browser_only():
    # The worker build leaves out PyScript's entry only; a build without a site transform (§9),
    # the core's transform module too.
    shipped = browser_modules("pyscript", site=True)
    assert sorted(set(shipped) - set(browser_modules("worker", site=True))) == ["browser/main.py"]
    assert sorted(set(shipped) - set(browser_modules("pyscript"))) == ["core/transform.py"]
    # the page tools' report (heap-device:calls) ships in --dev builds only
    production = browser_modules("pyscript", site=True, dev=False)
    assert sorted(set(shipped) - set(production)) == ["browser/report.py"]
    assert "__init__.py" in shipped
    assert {name.split("/")[0] for name in shipped if "/" in name} == {"core", "browser"}
    # every module of those two rooms ships: the allow-list is the folders, not a hand list
    expected = {
        str(p.relative_to(PACKAGE))
        for room in ("core", "browser")
        for p in (PACKAGE / room).glob("*.py")
    }
    assert expected <= set(shipped)


def test_nothing_that_ships_uses_tooling():
    shipped = browser_modules("pyscript", site=True)
    offenders = []
    for name in shipped:
        for imported in _imports(PACKAGE / name):
            if imported.split(".")[0] in TOOLING or imported.startswith("heap_device.tools"):
                offenders.append("%s imports %s" % (name, imported))
    assert offenders == []
