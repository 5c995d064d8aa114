"""Command line (CPython): build the browser bundle, print its script tag, run the demo."""

import argparse
import base64
import hashlib
import json
import re
import shutil
import sys
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
REPO_DIR = PACKAGE_DIR.parent
ADAPTER = REPO_DIR / "static" / "heap-device.js"
TEMPLATES = REPO_DIR / "templates"
NODE_MODULES = REPO_DIR / "node_modules"

RUNTIMES = ("micropython", "pyodide")
# How the interpreter starts: through PyScript, or (MicroPython only) straight from
# micropython.mjs, which needs no 'unsafe-eval' in the page's Content-Security-Policy.
BOOTS = ("pyscript", "direct")
# Python files the browser never needs: the CPython tooling.
NOT_SHIPPED = {"cli.py", "demo.py"}
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


class UsageError(Exception):
    """A bad argument or a missing prerequisite: one line on stderr, exit status 2."""


def browser_modules():
    """The heap_device modules the browser needs, sorted (so builds are reproducible)."""
    return sorted(p.name for p in PACKAGE_DIR.glob("*.py") if p.name not in NOT_SHIPPED)


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


def build(out, runtime, boot="pyscript"):
    """Write a self-contained bundle: adapter, Python modules, PyScript and one interpreter."""
    check_boot(runtime, boot)
    if not NODE_MODULES.is_dir():
        raise UsageError(f"{NODE_MODULES} is missing: run npm ci in {REPO_DIR}")
    out = _writable_folder(out)
    (out / "heap-device.js").write_text(render_adapter(runtime, boot), encoding="utf-8")
    _copy(PACKAGE_DIR, browser_modules(), out / "heap_device")
    if boot == "pyscript":
        pyscript_dist = NODE_MODULES / "@pyscript" / "core" / "dist"
        names = []
        for pattern in PYSCRIPT_FILES:
            found = sorted(
                p.name for p in pyscript_dist.glob(pattern) if not p.name.endswith(".map")
            )
            if not found:
                raise UsageError(f"{pyscript_dist} has no {pattern}: run npm ci in {REPO_DIR}")
            names += found
        _copy(pyscript_dist, names, out / "pyscript")
    elif (out / "pyscript").is_dir():
        shutil.rmtree(out / "pyscript")
    package, files = RUNTIME_FILES[runtime]
    _copy(NODE_MODULES / package, files, out / runtime)
    for other in RUNTIMES:  # a rebuild into the same folder must not keep the other interpreter
        if other != runtime and (out / other).is_dir():
            shutil.rmtree(out / other)
    return out


def _copy(source, names, target):
    target.mkdir(parents=True, exist_ok=True)
    for name in names:
        if not (source / name).is_file():
            raise UsageError(f"{source / name} is missing: run npm ci in {REPO_DIR}")
        shutil.copyfile(source / name, target / name)


def integrity(text):
    """Subresource Integrity value (sha384) of the given file text."""
    digest = hashlib.sha384(text.encode("utf-8")).digest()
    return "sha384-" + base64.b64encode(digest).decode("ascii")


def snippet(base_url, options_text, runtime, boot="pyscript"):
    """The <script> tag a website adds, with SRI and the tag options HTML-escaped."""
    import jinja2

    scheme = base_url.split(":", 1)[0].lower() if ":" in base_url else ""
    if (
        not base_url
        or any(c.isspace() or c in "\"'<>`\\" or ord(c) < 32 for c in base_url)
        or (scheme and scheme not in ("http", "https"))
    ):
        raise UsageError(
            f"--base-url {base_url!r} is not a usable URL (e.g. /heap or https://cdn.example.com/heap)"
        )
    options = None
    if options_text is not None:
        try:
            options = json.loads(options_text)
        except ValueError as exc:
            raise UsageError(f"--options is not valid JSON ({exc})") from None
        if not isinstance(options, dict):
            raise UsageError('--options must be a JSON object, e.g. \'{"sdk": "classic"}\'')
        _check_options(options)
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(TEMPLATES)),
        autoescape=True,
        keep_trailing_newline=True,
    )
    return env.get_template("snippet.html").render(
        src=base_url.rstrip("/") + "/heap-device.js",
        integrity=integrity(render_adapter(runtime, boot)),
        options=None if options is None else json.dumps(options, separators=(",", ":")),
    )


def _check_options(options):
    # The browser would refuse the same options with a console error; say it at build time.
    from heap_device.errors import HeapDeviceError
    from heap_device.settings import resolve_settings

    try:
        # appId usually comes from the RudderStack dashboard: a stand-in lets the rest be checked.
        _, notes = resolve_settings({"appId": "1"}, options)
    except HeapDeviceError as exc:
        raise UsageError("--options: " + str(exc).removeprefix("heap-device: ")) from None
    for level, text in notes:
        if level == "warn":
            raise UsageError(
                "--options: " + text.removeprefix("heap-device: ").replace(" ignored", "")
            )


def _writable_folder(out):
    out = Path(out)
    if out.exists() and not out.is_dir():
        raise UsageError(f"--out {str(out)!r} is a file, not a folder: name a folder to write")
    try:
        out.mkdir(parents=True, exist_ok=True)
        probe = out / ".heap-device-write-test"
        probe.write_text("", encoding="utf-8")
        probe.unlink()
    except OSError as exc:
        raise UsageError(f"--out {str(out)!r} cannot be written ({exc.strerror})") from None
    return out


class _Parser(argparse.ArgumentParser):
    def error(self, message):  # one line, exit status 2 (argparse would print the usage too)
        raise UsageError(message)


def _parser():
    parser = _Parser(prog="heap-device", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    b = commands.add_parser("build", help="write the browser bundle into a folder")
    b.add_argument("--out", required=True, help="folder to write (created if missing)")
    b.add_argument("--runtime", choices=RUNTIMES, default="micropython")
    b.add_argument("--boot", choices=BOOTS, default="pyscript", help="direct: strict-CSP pages")
    s = commands.add_parser("snippet", help="print the <script> tag for a website")
    s.add_argument("--base-url", required=True, help="URL of the built folder, e.g. /heap")
    s.add_argument("--options", help='tag options as JSON, e.g. \'{"sdk": "classic"}\'')
    s.add_argument("--runtime", choices=RUNTIMES, default="micropython")
    s.add_argument("--boot", choices=BOOTS, default="pyscript", help="as given to build")
    d = commands.add_parser("demo", help="serve the live demo page on this machine")
    d.add_argument("--port", type=int, default=8000)
    d.add_argument("--host", default="127.0.0.1")
    d.add_argument("--app-id", help="your Heap environment ID (default: offline Heap stand-in)")
    d.add_argument("--runtime", choices=RUNTIMES, default="micropython")
    return parser


def main(argv=None):
    """Entry point of the ``heap-device`` command; returns the exit status."""
    try:
        args = _parser().parse_args(argv)
        if args.command == "build":
            out = build(args.out, args.runtime, args.boot)
            print(f"heap-device: wrote the {args.runtime} bundle to {out}")
        elif args.command == "snippet":
            sys.stdout.write(snippet(args.base_url, args.options, args.runtime, args.boot))
        else:
            from heap_device import demo

            try:
                return demo.run(args.host, args.port, args.app_id, args.runtime)
            except demo.cli.UsageError as exc:  # another class when run as python -m
                raise UsageError(str(exc)) from None
    except UsageError as exc:
        print(f"heap-device: {exc}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
