"""The scripts a build ships, minified in the repository: `make minify` (needs terser, Debian's).

    python -m heap_device.tools.minified --write   rewrite static/minified/ with terser
    python -m heap_device.tools.minified           exit 1 naming what is missing or left over

A build's entry and runtime module are assembled from static/ (pagejs.py, bundle.py); apart from
their BUILD object, each kind of build (boot, --dev; runtime, transform or not) ships the same
text. terser (compress, mangle) minifies that text once here, and a build takes the result from
static/minified/ (bundle.shipped_script), so it needs no Node: 2.8 KB less brotli for a cold
visit. tests/test_minified.py fails while static/minified/ is not today's (until then a build
ships the scripts unminified).
"""

import os
import subprocess
import sys

from heap_device.tools import UsageError, bundle

# compress without join_vars: it would fold `var BUILD = ...;` into the next declaration, and a
# build writes that line in after minifying (reserved keeps the name BUILD for it).
TERSER = [
    "terser",
    "--compress",
    "join_vars=false",
    "--mangle",
    "reserved=['BUILD']",
    "--comments",
    "false",
]


def templates():
    """{template: (what it is, is an ES module)} for every kind of script a build writes."""
    found = {}
    for boot in bundle.BOOTS:
        for dev in (False, True):
            text = bundle.render_adapter("micropython", boot, dev)
            what = "%s of --boot %s%s" % (bundle.ENTRY, boot, " --dev" if dev else "")
            found[bundle.script_template(text)] = (what, False)
    for runtime in bundle.RUNTIMES:
        for site in (False, True):
            text = bundle.render_runtime_module(runtime, site=site)
            what = "%s of --runtime %s%s" % (
                bundle.RUNTIME_SCRIPT,
                runtime,
                " with a --transform" if site and runtime == "micropython" else "",
            )
            found.setdefault(bundle.script_template(text), (what, True))
    return found


def minify(template, module):
    """terser's output for a template, ending in a newline; UsageError if terser is missing or
    fails, or folded the BUILD line."""
    env = {**os.environ, "NODE_PATH": os.environ.get("NODE_PATH", "/usr/share/nodejs")}
    try:
        done = subprocess.run(
            TERSER + (["--module"] if module else []),
            input=template.encode("utf-8"),
            capture_output=True,
            env=env,
        )
    except FileNotFoundError:
        raise UsageError("make minify needs terser: apt-get install terser") from None
    if done.returncode != 0:
        raise UsageError("terser failed: " + done.stderr.decode("utf-8", "replace").strip())
    text = done.stdout.decode("utf-8").strip() + "\n"
    if text.count(bundle.MINIFIED_BUILD) != 1:
        raise UsageError("terser did not keep %r as one statement" % bundle.MINIFIED_BUILD)
    return text


def problems():
    """Lines naming each minified script that is missing, and each file no build uses."""
    wanted = {bundle.minified_path(t).name: what for t, (what, _) in templates().items()}
    present = {path.name for path in bundle.MINIFIED.glob("*.js")}
    lines = [
        "static/minified/ has no %s for today's %s: run make minify" % (name, wanted[name])
        for name in sorted(set(wanted) - present)
    ]
    lines += [
        "static/minified/%s is used by no build: run make minify" % name
        for name in sorted(present - set(wanted))
    ]
    return lines


def write():
    """Minify every template into static/minified/ and remove what no build uses."""
    bundle.MINIFIED.mkdir(exist_ok=True)
    wanted = set()
    for template, (_, module) in templates().items():
        path = bundle.minified_path(template)
        path.write_text(minify(template, module), encoding="utf-8")
        wanted.add(path.name)
    for path in bundle.MINIFIED.glob("*.js"):
        if path.name not in wanted:
            path.unlink()


if __name__ == "__main__":
    try:
        if sys.argv[1:] == ["--write"]:
            write()
        found = problems()
    except UsageError as exc:
        sys.exit("make minify: %s" % exc)
    print("\n".join(found) or "static/minified/ is today's", file=sys.stderr if found else None)
    sys.exit(1 if found else 0)
