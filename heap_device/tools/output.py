"""Writing a build's output folder safely."""

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
