"""Packaging: the wheel carries what the CLI needs, so it works with no Node and no clone.

Into ``heap_device/tools/shipped/`` of the wheel go ``static/`` (the adapter, the demo's files and
anything added there), ``templates/``, ``package.json`` (the pinned versions) and, from the pinned
npm packages, exactly the files the MicroPython builds read (asked of the build itself, for every
boot) plus the RudderStack SDKs the demo page loads and the offline ``rudderstack`` fixture serves
(v3, and v1.1: 131 KB, 38 KB compressed), with each package's license. Pyodide (13.7 MB)
stays out: ``--runtime pyodide`` takes ``--pyodide-dir``. The wheel build runs ``npm ci`` if those
files are missing; the sdist carries them, so building from the sdist gives the same wheel.
"""

import shutil
import subprocess
import sys
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py
from setuptools.command.sdist import sdist

HERE = Path(__file__).resolve().parent
SHIPPED = "heap_device/tools/shipped"


def _tools():
    sys.path.insert(0, str(HERE))
    from heap_device.tools import UsageError, assets, bundle

    if assets.INSTALLED or assets.ROOT != HERE:
        raise SystemExit("setup.py: heap_device must be imported from %s" % HERE)
    return UsageError, assets, bundle


def _build_sources():
    """Every source file under node_modules that a build of a shipped runtime reads."""
    UsageError, assets, bundle = _tools()
    found = set()
    for runtime in bundle.RUNTIMES:
        if runtime in assets.NOT_SHIPPED:
            continue
        for boot in bundle.BOOTS:
            try:
                bundle.check_boot(runtime, boot)
            except UsageError:
                continue  # not a combination the CLI builds
            for source in bundle.bundle_files(runtime, boot).values():
                if isinstance(source, Path) and assets.NODE_MODULES in source.parents:
                    found.add(source)
    return found


def npm_files():
    """Paths (relative to node_modules) the wheel carries; runs npm ci once if any is missing."""
    UsageError, assets, _ = _tools()
    try:
        sources = _build_sources()
    except UsageError as exc:
        print("setup.py: %s; running npm ci" % exc, file=sys.stderr)
        subprocess.run(["npm", "ci", "--no-audit", "--no-fund"], cwd=HERE, check=True)
        sources = _build_sources()
    sources.update((assets.RUDDERSTACK_UMD, assets.RUDDERSTACK_V1))
    names = {p.relative_to(assets.NODE_MODULES).as_posix() for p in sources}
    for package in {_package_of(name) for name in names}:
        folder = assets.NODE_MODULES / package
        for extra in [folder / "package.json", *folder.glob("LICEN[SC]E*")]:
            if extra.is_file():
                names.add(extra.relative_to(assets.NODE_MODULES).as_posix())
    for name in names:
        if not (assets.NODE_MODULES / name).is_file():
            raise SystemExit("setup.py: node_modules/%s is missing: run npm ci" % name)
    return sorted(names)


def _package_of(name):
    parts = name.split("/")
    return "/".join(parts[:2]) if parts[0].startswith("@") else parts[0]


def _copy_tree(source, target):
    for path in sorted(source.rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts:
            _copy(path, target / path.relative_to(source))


def _copy(source, target):
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(source, target)


class BuildPy(build_py):
    """build_py, plus the shipped files (not for editable installs: they read the clone)."""

    def run(self):
        if not getattr(self, "editable_mode", False):
            # setuptools leaves earlier builds' files in build/lib: a module renamed since would
            # ship (and reach browsers, which load every core/*.py). Start from nothing.
            shutil.rmtree(Path(self.build_lib) / "heap_device", ignore_errors=True)
        super().run()
        if getattr(self, "editable_mode", False):
            return
        target = Path(self.build_lib) / SHIPPED
        _copy_tree(HERE / "static", target / "static")
        _copy_tree(HERE / "templates", target / "templates")
        _copy(HERE / "package.json", target / "package.json")
        for name in npm_files():
            _copy(HERE / "node_modules" / name, target / "node_modules" / name)


class Sdist(sdist):
    """sdist, plus the npm files the wheel carries: building from it needs no Node."""

    def make_release_tree(self, base_dir, files):
        super().make_release_tree(base_dir, files)
        for name in npm_files():
            _copy(HERE / "node_modules" / name, Path(base_dir) / "node_modules" / name)


setup(cmdclass={"build_py": BuildPy, "sdist": Sdist})
