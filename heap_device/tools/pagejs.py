"""Assemble the page side into the one classic script a site loads, ``heap-device.js``.

The page side is written as small ES modules in ``static/page/`` (each tested in Node by
``tests/page/*.test.mjs``). A site needs one plain script and the user's machine has no Node, so
this module does in Python what a bundler would: it reads ``main.js``, the start module of the
build's boot and, in a ``--dev`` build, ``dev.js``; follows their ``import { ... } from './x.js'``
lines; writes each module once, the modules it imports first, without its ``import`` lines and
``export`` words, inside one function scope; and ends with the call of ``main``. Whole-line
comments go (every site fetches the file); the rest is kept as written. The result is
deterministic, so it can be hashed.
"""

import json
import re

from heap_device.tools import UsageError
from heap_device.tools.assets import STATIC

PAGE_DIR = STATIC / "page"
ENTRY = "main.js"
# The module that starts the runtime, per boot: each exports startRuntime(state).
START_MODULES = {"worker": "boot.js", "pyscript": "pyscript.js"}
# Only in a --dev build: what the demo, the tests and page tools use (exports devTools).
DEV_MODULE = "dev.js"
IMPORT = re.compile(r"^import \{[^}]*\} from '\./([\w-]+\.js)';\n", re.MULTILINE)
EXPORT = re.compile(r"^export (?=function |var )", re.MULTILINE)
TOP_NAME = re.compile(r"^(?:function|var) ([\w$]+)", re.MULTILINE)
MODULE_SYNTAX = re.compile(r"^\s*(?:import|export)\b(?!\()", re.MULTILINE)


def module_names(boot, dev=False):
    """The modules a build carries, each after the modules it imports (ties: by name)."""
    roots = [ENTRY, START_MODULES[boot]] + ([DEV_MODULE] if dev else [])
    ordered = []
    visiting = []

    def visit(name):
        if name in ordered:
            return
        if name in visiting:
            raise UsageError("static/page: import cycle " + " -> ".join(visiting + [name]))
        visiting.append(name)
        for imported in sorted(IMPORT.findall(_source(name))):
            visit(imported)
        visiting.pop()
        ordered.append(name)

    for root in roots:
        visit(root)
    return ordered


def assemble(build, dev=False):
    """The text of heap-device.js for ``build`` (the BUILD object: runtime, boot, ...)."""
    names = module_names(build["boot"], dev)
    bodies = [module_body(name) for name in names]
    _check_names(names, bodies)
    call = "main(BUILD, startRuntime%s);\n" % (", devTools" if dev else "")
    text = (
        "(function () {\n'use strict';\n"
        + "  var BUILD = %s;\n" % json.dumps(build)
        + "".join(bodies)
        + call
        + "})();\n"
    )
    return "".join(line for line in without_comment_lines(text).splitlines(True) if line.strip())


def without_comment_lines(text):
    """JS text less the lines that hold only a comment (every site fetches the bundle: ~3 KB gzip).

    Only whole lines go: a ``//`` line, or a ``/* ... */`` block whose first line starts with
    ``/*`` and whose last ends with ``*/``; code and comments after code are kept as written.
    """
    kept = []
    in_block = False
    for line in text.splitlines(keepends=True):
        bare = line.strip()
        if in_block:
            in_block = not bare.endswith("*/")
            continue
        if bare.startswith("//"):
            continue
        if bare.startswith("/*"):
            in_block = not bare.endswith("*/")
            continue
        kept.append(line)
    return "".join(kept)


def _source(name):
    path = PAGE_DIR / name
    if not path.is_file():
        raise UsageError(f"{path} is missing: the page side cannot be assembled")
    return path.read_text(encoding="utf-8")


def module_body(name):
    """A static/page module's text without its import lines and export words."""
    text = EXPORT.sub("", IMPORT.sub("", _source(name)))
    left = MODULE_SYNTAX.search(text)
    if left:
        line = text[left.start() :].split("\n", 1)[0].strip()
        raise UsageError(
            f"static/page/{name}: write imports as one line, import {{ ... }} "
            f"from './x.js', and exports as export function/var: {line!r}"
        )
    return text if text.endswith("\n") else text + "\n"


def _check_names(names, bodies):
    # One function scope holds every module: two top-level names alike would silently clash.
    owner = {}
    for name, body in zip(names, bodies):
        for top in TOP_NAME.findall(body):
            if top in owner:
                raise UsageError(f"static/page: {top} is declared in both {owner[top]} and {name}")
            owner[top] = name
