"""Where the tools find what they ship: the adapter, the templates, the pinned npm runtimes.

Two layouts, one set of names. In a clone they are the repository's ``static/``, ``templates/``
and ``node_modules/`` (``npm ci``). In an installed wheel they are copies under
``heap_device/tools/shipped/``, made when the wheel was built (setup.py): there is no Node and no
clone then, and Pyodide (13.7 MB) is not among them (``--pyodide-dir``).
"""

import json
from pathlib import Path

from heap_device.tools import UsageError

PACKAGE_DIR = Path(__file__).resolve().parent.parent
SHIPPED_DIR = PACKAGE_DIR / "tools" / "shipped"
INSTALLED = SHIPPED_DIR.is_dir()
# The clone (None when installed from a wheel): the build refuses to write into it.
REPO_DIR = None if INSTALLED else PACKAGE_DIR.parent
ROOT = SHIPPED_DIR if INSTALLED else PACKAGE_DIR.parent
STATIC = ROOT / "static"
DEMO_STATIC = STATIC / "demo"
TEMPLATES = ROOT / "templates"
NODE_MODULES = ROOT / "node_modules"
PACKAGE_JSON = ROOT / "package.json"  # the pinned npm versions, shipped too
# The npm packages a wheel carries files of; of RudderStack's, only the SDK files below.
RUNTIME_PACKAGES = {
    "PyScript": "@pyscript/core",
    "MicroPython": "@micropython/micropython-webassembly-pyscript",
    "Pyodide": "pyodide",
}
RUDDERSTACK_PACKAGE = "@rudderstack/analytics-js"
# The SDK the demo page loads, and the offline `rudderstack` fixture serves for v3's snippet.
RUDDERSTACK_UMD = NODE_MODULES / RUDDERSTACK_PACKAGE / "dist/npm/modern/bundled/umd/index.js"
# SDK v1.1 (npm's build of it), which the fixture serves for the older v1.1 snippet.
RUDDERSTACK_V1_PACKAGE = "rudder-sdk-js"
RUDDERSTACK_V1 = NODE_MODULES / RUDDERSTACK_V1_PACKAGE / "dist/npm/index.js"
NOT_SHIPPED = ("pyodide",)


def fix_missing():
    """What to do when a shipped file is missing, in the layout at hand."""
    if INSTALLED:
        return "reinstall heap-device (pip install --force-reinstall heap-device)"
    return "run npm ci in %s" % REPO_DIR


def fix_missing_runtime():
    """What to do when heap-device's own MicroPython (static/runtime/) is missing."""
    if INSTALLED:
        return fix_missing()
    return "run make runtime in %s (or git checkout static/runtime)" % REPO_DIR


def pinned_versions():
    """{npm package: version} as pinned in package.json."""
    try:
        meta = json.loads(PACKAGE_JSON.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return dict(meta.get("dependencies", {}))


def package_dir(package, given=None):
    """The folder of an npm package's files; for Pyodide ``given`` (--pyodide-dir) comes first."""
    if package != "pyodide":
        return NODE_MODULES / package
    version = pinned_versions().get("pyodide", "")
    if given is not None:
        folder = Path(given)
        if not (folder / "pyodide.mjs").is_file():
            raise UsageError(
                f"--pyodide-dir {str(given)!r} holds no pyodide.mjs: name the folder of a Pyodide "
                f"{version} distribution (npm install pyodide@{version} puts one in "
                "node_modules/pyodide)"
            )
        return folder
    folder = NODE_MODULES / "pyodide"
    if (folder / "pyodide.mjs").is_file():
        return folder
    if INSTALLED:
        raise UsageError(
            f"--runtime pyodide needs Pyodide {version}, which the package does not ship: pass "
            f"--pyodide-dir DIR (npm install pyodide@{version} puts one in node_modules/pyodide)"
        )
    raise UsageError(
        f"--runtime pyodide needs Pyodide {version}: run npm ci in {REPO_DIR}, "
        "or pass --pyodide-dir DIR"
    )
