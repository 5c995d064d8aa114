"""Where the tools find what they ship: the adapter, the templates, the pinned npm runtimes."""

from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent.parent
REPO_DIR = PACKAGE_DIR.parent
ADAPTER = REPO_DIR / "static" / "heap-device.js"
TEMPLATES = REPO_DIR / "templates"
NODE_MODULES = REPO_DIR / "node_modules"
