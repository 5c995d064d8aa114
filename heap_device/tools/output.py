"""Writing a build's output folder safely."""

import shutil
from pathlib import Path

from heap_device.tools import UsageError


def writable_folder(out):
    """The folder to write the bundle into, created if missing; UsageError if it cannot be."""
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


# Folders an earlier build of another runtime or boot may have left; a rebuild replaces them.
_BUILD_FOLDERS = ("heap_device", "pyscript", "micropython", "pyodide")


def write_bundle(out, files):
    """Write ``files`` ({relative path: bytes or source Path}) into ``out``; returns the folder."""
    out = writable_folder(out)
    for name in _BUILD_FOLDERS:
        if (out / name).is_dir():
            shutil.rmtree(out / name)
    for relative, source in sorted(files.items()):
        target = out / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(source, bytes):
            target.write_bytes(source)
        else:
            shutil.copyfile(source, target)
    return out
