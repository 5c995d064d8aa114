"""The web build's last step: its outputs as committed, and what they were built from.

    python3 finish.py BUILD OUT          BUILD/transforms/hd.js + hd.wasm -> OUT/micropython.js
                                         (minified, no module loader's tail), OUT/micropython.wasm;
                                         BUILD/core/ likewise -> OUT/micropython-core.js and .wasm
                                         (the runtime for builds without a transform);
                                         OUT/build.json
    python3 finish.py --compare A B      exit 1 naming each file of B that A does not equal

build.json records the sha256 of every heap_device file frozen in (the staleness test and
`heap-device build` read it: heap_device/tools/runtime_build.py) and of each output.
Standard library only: the build needs no project venv.
"""

import difflib
import hashlib
import json
import os
import re
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "variant"))
from frozen import frozen_files  # noqa: E402

PACKAGE = os.path.join(HERE, "..", "heap_device")
# The build folder of each runtime (runtime/Makefile) and the name its outputs take: the one for
# builds with a site's transform, and the one without the modules only a transform uses.
FLAVOURS = {"transforms": "micropython", "core": "micropython-core"}
OUTPUTS = (
    "micropython.js",
    "micropython.wasm",
    "micropython-core.js",
    "micropython-core.wasm",
    "build.json",
)
# Emscripten's closing lines register the factory with CommonJS or AMD loaders: on a page with
# RequireJS an anonymous define() would be the runtime module's side effect. It is a plain var.
LOADER_TAIL = re.compile(
    r"\nif \(typeof exports === 'object' && typeof module === 'object'\)\n.*\Z", re.S
)


def sha256(data):
    return hashlib.sha256(data).hexdigest()


def read(path):
    with open(path, "rb") as f:
        return f.read()


def write(path, data):
    with open(path, "wb") as f:
        f.write(data)


def minify(text):
    """Terser (Debian's), compress and mangle: the glue's names are its own."""
    done = subprocess.run(
        ["terser", "--compress", "--mangle", "--ecma", "2017"],
        input=text.encode("utf-8"),
        capture_output=True,
        env={**os.environ, "NODE_PATH": os.environ.get("NODE_PATH", "/usr/share/nodejs")},
    )
    if done.returncode != 0:
        sys.exit("finish.py: terser failed: " + done.stderr.decode("utf-8", "replace").strip())
    return done.stdout.strip() + b"\n"


def finish(build, out):
    os.makedirs(out, exist_ok=True)
    files = {}
    for folder, name in FLAVOURS.items():
        glue = read(os.path.join(build, folder, "hd.js")).decode("utf-8")
        glue, count = LOADER_TAIL.subn("\n", glue)
        if count != 1:
            sys.exit("finish.py: the glue's module-loader tail was not found: Emscripten changed?")
        files[name + ".js"] = minify(glue)
        files[name + ".wasm"] = read(os.path.join(build, folder, "hd.wasm"))
    record = {
        "micropython": "v1.27.0",
        "variant": "runtime/variant",
        "frozen": {
            "heap_device/" + name: sha256(read(os.path.join(PACKAGE, name)))
            for name in frozen_files(PACKAGE)
        },
        "files": {
            name: {"bytes": len(data), "sha256": sha256(data)} for name, data in files.items()
        },
    }
    files["build.json"] = (json.dumps(record, indent=1, sort_keys=True) + "\n").encode("utf-8")
    for name, data in files.items():
        write(os.path.join(out, name), data)


def compare(built, committed):
    differ = [
        name
        for name in OUTPUTS
        if not os.path.isfile(os.path.join(committed, name))
        or read(os.path.join(built, name)) != read(os.path.join(committed, name))
    ]
    for name in differ:
        print(
            "runtime-check: static/runtime/%s is not what the sources build: run make runtime "
            "and commit it" % name,
            file=sys.stderr,
        )
        if name.endswith(".json") and os.path.isfile(os.path.join(committed, name)):
            built_lines = read(os.path.join(built, name)).decode("utf-8").splitlines()
            committed_lines = read(os.path.join(committed, name)).decode("utf-8").splitlines()
            for line in difflib.unified_diff(committed_lines, built_lines, "committed", "built"):
                print(line, file=sys.stderr)
    if not differ:
        print("runtime-check: static/runtime/ (%s) is what the sources build" % ", ".join(OUTPUTS))
    return 1 if differ else 0


if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[1] == "--compare":
        sys.exit(compare(sys.argv[2], sys.argv[3]))
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    finish(sys.argv[1], sys.argv[2])
