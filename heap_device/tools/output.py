"""Writing a build's output folder without touching what the build did not write.

Each build leaves a manifest (``heap-device.files.json``): the files it wrote, its entry file (the
one the tag loads), the files of the build before it that it keeps, and the tag's base URL and
options when it printed one. A rebuild replaces and removes only files listed there; a folder
holding anything else is refused unless ``--force`` (then the build writes beside those files and
still deletes none of them).
"""

import json
import os
import shutil
from pathlib import Path, PurePosixPath

from heap_device.tools import UsageError, assets

MANIFEST = "heap-device.files.json"  # served too: `heap-device check` reads it
TAG_FILE = "heap-device.tag.html"  # the tag build printed, saved beside the bundle
# The entry's name in builds from before content-addressed names (still read, never written).
LEGACY_ENTRY = "heap-device.js"
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


def read_manifest(out):
    """The manifest of the build in ``out`` as a dict ({} when none can be read)."""
    try:
        manifest = json.loads((Path(out) / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return manifest if isinstance(manifest, dict) else {}


def _safe_names(names):
    safe = set()
    for name in names if isinstance(names, list) else []:
        path = PurePosixPath(name) if isinstance(name, str) else None
        if path and not path.is_absolute() and ".." not in path.parts and name != MANIFEST:
            safe.add(name)
    return safe


def _previous_of(manifest):
    previous = manifest.get("previous")
    return previous if isinstance(previous, dict) else {}


def written_before(out):
    """The files an earlier build listed in ``out``'s manifest (its own and the one it kept)."""
    manifest = read_manifest(out)
    return _safe_names(manifest.get("files")) | _safe_names(_previous_of(manifest).get("files"))


def entry_file(folder):
    """The entry file of the build in ``folder`` (the file the tag loads); UsageError if none."""
    folder = Path(folder)
    name = read_manifest(folder).get("entry")
    if isinstance(name, str) and name in _safe_names([name]) and (folder / name).is_file():
        return folder / name
    if (folder / LEGACY_ENTRY).is_file():  # a build from before content-addressed names
        return folder / LEGACY_ENTRY
    raise UsageError(
        f"--from {str(folder)!r} holds no heap-device build ({MANIFEST} names no entry file that "
        "is there): name the folder heap-device build wrote (its --out)"
    )


def next_manifest(old, files, entry):
    """(the manifest of a new build of ``files``, the earlier files it removes).

    The new build keeps the files of the build before it, so that a page cached with the old tag
    still works, and removes what is older. "The build before it" is the last build that differs
    from this one: a rebuild that changes nothing (or only the tag's --options) keeps the build
    the folder already kept, and its own saved tag. ``old`` is the folder's manifest ({}: none).
    """
    new = set(files)
    current = _safe_names(old.get("files"))
    previous = _previous_of(old)
    older = _safe_names(previous.get("files"))
    manifest = {"entry": entry, "files": sorted(new)}
    if old.get("entry") == entry:  # the same build again
        before, kept = previous.get("entry"), sorted(older - new)
        if TAG_FILE in current and isinstance(old.get("tag"), dict):
            manifest["files"] = sorted(new | {TAG_FILE})  # still this build's tag
            manifest["tag"] = old["tag"]
    else:
        before = old.get("entry", LEGACY_ENTRY)
        kept = sorted(name for name in current - new if name != TAG_FILE)
    if kept:
        manifest["previous"] = {"entry": before, "files": kept}
    remove = (older | current) - set(manifest["files"]) - set(kept)
    return manifest, remove


def _files_in(out):
    found = []
    for folder, _, names in os.walk(out):
        for name in names:
            found.append(Path(folder, name).relative_to(out).as_posix())
    return sorted(found)


def write_bundle(out, files, entry, force=False):
    """Write ``files`` ({relative path: bytes or source Path}) into ``out``; returns the folder.

    ``entry`` is the file the tag loads; the manifest names it (entry_file reads it back).
    """
    out = writable_folder(out)
    before = written_before(out)
    foreign = [name for name in _files_in(out) if name != MANIFEST and name not in before]
    if foreign and not force:
        raise UsageError(
            f"--out {str(out)!r} holds files heap-device did not write (such as {foreign[0]!r}): "
            f"name a new or empty folder, such as {str(Path(out, 'heap'))!r}, "
            "or pass --force to write beside them"
        )
    manifest, remove = next_manifest(read_manifest(out), files, entry)
    for name in sorted(remove):
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
    _write_manifest(out, manifest)
    return out


def save_tag(out, tag, base_url, options_text):
    """Save the tag beside the build and remember its base URL and options (for snippet)."""
    out = Path(out)
    (out / TAG_FILE).write_text(tag, encoding="utf-8")
    manifest = read_manifest(out)
    manifest["files"] = sorted(_safe_names(manifest.get("files")) | {TAG_FILE})
    manifest["tag"] = {"base_url": base_url, "options": options_text}
    _write_manifest(out, manifest)


def remembered_tag(folder):
    """(base URL, options JSON text or None) the build in ``folder`` printed its tag with."""
    tag = read_manifest(folder).get("tag")
    if not isinstance(tag, dict):
        return None, None
    base_url, options = tag.get("base_url"), tag.get("options")
    return (
        base_url if isinstance(base_url, str) else None,
        options if isinstance(options, str) else None,
    )


def _write_manifest(out, manifest):
    text = json.dumps(manifest, indent=1, sort_keys=True) + "\n"
    (out / MANIFEST).write_text(text, encoding="utf-8")


def _remove_empty_parents(folder, out):
    while folder != out and folder.is_dir() and not any(folder.iterdir()):
        folder.rmdir()
        folder = folder.parent
