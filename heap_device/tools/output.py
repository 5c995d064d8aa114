"""Writing a build's output folder without touching what the build did not write.

Each build leaves a manifest (``heap-device.files.json``: the files it wrote). A rebuild replaces
and removes only the files listed there; a folder holding anything else is refused unless
``--force`` (then the build writes beside those files and still deletes none of them).
"""

import json
import os
import shutil
from pathlib import Path, PurePosixPath

from heap_device.tools import UsageError, assets

MANIFEST = "heap-device.files.json"  # served too: `heap-device check` reads it
EXAMPLE = "e.g. --out site/heap"


def _refuse_special(out):
    """One line for a folder no build may write into: '', /, the home folder, our own sources."""
    if str(out).strip() == "":
        raise UsageError(f"--out is empty: name a folder to write the bundle into, {EXAMPLE}")
    where = Path(out).expanduser().resolve()
    if where == Path(where.anchor):
        raise UsageError(
            f"--out {str(out)!r} is the filesystem root: name a folder of its own, {EXAMPLE}"
        )
    if where == Path.home().resolve():
        raise UsageError(
            f"--out {str(out)!r} is your home folder: name a folder of its own, {EXAMPLE}"
        )
    if assets.REPO_DIR is not None and where == assets.REPO_DIR:
        raise UsageError(
            f"--out {str(out)!r} is the heap-device repository itself: name a folder of its own, "
            "e.g. --out build/heap"
        )
    own = [assets.PACKAGE_DIR, assets.STATIC, assets.TEMPLATES, assets.NODE_MODULES]
    if any(where == folder or folder in where.parents for folder in own):
        raise UsageError(
            f"--out {str(out)!r} is inside heap-device's own files: name a folder of your site, "
            f"{EXAMPLE}"
        )


def writable_folder(out):
    """The folder to write the bundle into, created if missing; UsageError if it cannot be."""
    _refuse_special(out)
    out = Path(out).expanduser()
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


def written_before(out):
    """The files an earlier build listed in ``out``'s manifest (safe relative paths only)."""
    try:
        names = json.loads((Path(out) / MANIFEST).read_text(encoding="utf-8"))["files"]
    except (OSError, ValueError, KeyError, TypeError):
        return set()
    safe = set()
    for name in names if isinstance(names, list) else []:
        path = PurePosixPath(name) if isinstance(name, str) else None
        if path and not path.is_absolute() and ".." not in path.parts and name != MANIFEST:
            safe.add(name)
    return safe


def _files_in(out):
    found = []
    for folder, _, names in os.walk(out):
        for name in names:
            found.append(Path(folder, name).relative_to(out).as_posix())
    return sorted(found)


def write_bundle(out, files, force=False):
    """Write ``files`` ({relative path: bytes or source Path}) into ``out``; returns the folder."""
    out = writable_folder(out)
    before = written_before(out)
    foreign = [name for name in _files_in(out) if name != MANIFEST and name not in before]
    if foreign and not force:
        raise UsageError(
            f"--out {str(out)!r} holds files heap-device did not write (such as {foreign[0]!r}): "
            f"name a new or empty folder, such as {str(Path(out, 'heap'))!r}, "
            "or pass --force to write beside them"
        )
    for name in sorted(before - set(files)):  # an earlier build's files this one does not have
        target = out / name
        if target.is_file() or target.is_symlink():
            target.unlink()
        _remove_empty_parents(target.parent, out)
    for relative, source in sorted(files.items()):
        target = out / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(source, bytes):
            target.write_bytes(source)
        else:
            shutil.copyfile(source, target)
    _write_manifest(out, set(files))
    return out


def add_file(out, name, data):
    """Write one more file of this build (the saved tag) and list it in the manifest."""
    out = Path(out)
    (out / name).write_bytes(data)
    _write_manifest(out, written_before(out) | {name})


def _write_manifest(out, names):
    text = json.dumps({"files": sorted(names)}, indent=1) + "\n"
    (out / MANIFEST).write_text(text, encoding="utf-8")


def _remove_empty_parents(folder, out):
    while folder != out and folder.is_dir() and not any(folder.iterdir()):
        folder.rmdir()
        folder = folder.parent
