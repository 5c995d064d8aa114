"""Precompressed copies of a build's files: ``x.br`` and ``x.gz`` beside each ``x``.

A server that finds them sends them as they are (nginx ``gzip_static``/``brotli_static``, Caddy
``precompressed``, Apache's rewrite rules, an object store with ``Content-Encoding`` set on each
object): the best compression once, at build time, instead of a fast one per request or none.
Every build writes them: gzip from the standard library, brotli through the ``brotli`` package
(a dependency: about a fifth fewer bytes than gzip on the ``.wasm``, for every cold visit); where
it cannot be imported the build writes ``.gz`` only and says so.

``decode`` reads what a server sends, for ``heap-device check``: these and zstd, which no build
writes but servers compress with on the way out (Caddy's ``encode zstd gzip``), through the
``zstandard`` package (a dependency).
"""

import gzip
import zlib
from functools import lru_cache

# Encodings as a browser names them, best first, and their files' suffixes.
ENCODINGS = {"br": ".br", "gzip": ".gz"}
# A copy that saves less than this share of the bytes is not worth a second file.
MIN_SAVING = 0.05
# Brotli's best quality (11) is slow: measured on this project's machine, 2.8 s for
# micropython.wasm (423 KB -> 161 KB; quality 9: 176 KB) but 164 s for Pyodide's 9 MB .wasm
# (quality 5: 0.5 s, 18% larger). Files above this size get quality 5.
BEST_QUALITY_UP_TO = 1_000_000
# The largest zstd window a browser decodes: RFC 9659 holds HTTP's zstd to 8 MB, and Chromium
# fails a frame that needs more (ERR_ZSTD_WINDOW_SIZE_TOO_BIG) where a library's default reads it.
ZSTD_WINDOW_MAX = 8 << 20
ZSTD_MAGIC = b"\x28\xb5\x2f\xfd"


def brotli_module():
    """The brotli module, or None when it is not installed."""
    try:
        import brotli
    except ImportError:
        return None
    return brotli


@lru_cache(maxsize=64)  # one process building the same files again (tests) compresses once
def compress(data, encoding):
    """``data`` compressed as ``encoding`` ("br" or "gzip"), reproducibly (no time stamp)."""
    if encoding == "gzip":
        return gzip.compress(data, compresslevel=9, mtime=0)
    quality = 11 if len(data) <= BEST_QUALITY_UP_TO else 5
    return brotli_module().compress(data, quality=quality)


def zstd_module():
    """The zstandard module, or None when it is not installed."""
    try:
        import zstandard
    except ImportError:
        return None
    return zstandard


def available():
    """The encodings this machine can write, best first."""
    return [e for e in ENCODINGS if e != "br" or brotli_module() is not None]


def readable():
    """The encodings this machine can decode: those it writes, and zstd."""
    return available() + (["zstd"] if zstd_module() is not None else [])


def precompressed(files):
    """{name.br / name.gz: bytes} for each file of ``files`` ({name: bytes or Path}) that
    compresses by at least MIN_SAVING."""
    copies = {}
    for name, source in sorted(files.items()):
        data = source if isinstance(source, bytes) else source.read_bytes()
        for encoding in available():
            packed = compress(data, encoding)
            if len(packed) <= len(data) * (1 - MIN_SAVING):
                copies[name + ENCODINGS[encoding]] = packed
    return copies


def is_copy(name, names):
    """Is ``name`` the precompressed copy of another of ``names``?"""
    return any(name.endswith(s) and name[: -len(s)] in names for s in ENCODINGS.values())


class CannotDecode(ValueError):
    """A body that is not what its Content-Encoding says; the message says what it is instead."""


class WindowTooLarge(CannotDecode):
    """zstd that browsers refuse to decode: a frame needs ``window`` bytes, more than
    ZSTD_WINDOW_MAX."""

    def __init__(self, window):
        super().__init__(
            "a zstd frame needs a window of %s, more than the %s browsers decode"
            % (_mb(window), _mb(ZSTD_WINDOW_MAX))
        )
        self.window = window


def _mb(n):
    return "%g MB" % round(n / (1 << 20), 1)


def decode(data, encoding):
    """Bytes as sent with Content-Encoding ``encoding`` -> the file's bytes.

    ``encoding`` is the header's value: codings in the order they were applied ("br, gzip": brotli
    first), so they are undone last first. CannotDecode when the bytes are not what it says.
    """
    codings = [c.strip().lower() for c in (encoding or "").split(",") if c.strip()]
    for coding in reversed(codings):
        data = _decode_one(data, coding)
    return data


def _decode_one(data, coding):
    if coding == "identity":
        return data
    packages = {"br": (brotli_module, "brotli"), "zstd": (zstd_module, "zstandard")}
    if coding in packages and packages[coding][0]() is None:
        package = packages[coding][1]
        raise CannotDecode("check cannot read %r here: pip install %s" % (coding, package))
    decoders = {
        "gzip": gzip.decompress,
        "x-gzip": gzip.decompress,
        "deflate": _inflate,
        "br": lambda d: brotli_module().decompress(d),
        "zstd": _unzstd,
    }
    if coding not in decoders:
        raise CannotDecode("check cannot read %r" % coding)
    try:
        return decoders[coding](data)
    except CannotDecode:
        raise
    except Exception as exc:  # brotli.error, zlib.error, gzip.BadGzipFile, EOFError: each its own
        raise CannotDecode("not %s data (%s)" % (coding, exc or type(exc).__name__)) from None


def _inflate(data):
    """HTTP's deflate: zlib-wrapped as the RFC says, or raw as some servers send it."""
    try:
        return zlib.decompress(data)
    except zlib.error:
        return zlib.decompress(data, -zlib.MAX_WBITS)


def _unzstd(data):
    """HTTP's zstd as a browser reads it: frames one after the other, each needing a window of
    ZSTD_WINDOW_MAX at most; a body cut inside a frame does not decode."""
    parts = []
    while data:
        window = _zstd_window(data)
        if window is not None and window > ZSTD_WINDOW_MAX:
            raise WindowTooLarge(window)
        frame = zstd_module().ZstdDecompressor(max_window_size=ZSTD_WINDOW_MAX).decompressobj()
        parts.append(frame.decompress(data))
        if not frame.eof:
            raise EOFError("cut short inside a frame")
        data = frame.unused_data
    return b"".join(parts)


def _zstd_window(data):
    """The window the first zstd frame of ``data`` needs, in bytes (None: not a zstd frame)."""
    if data[:4] != ZSTD_MAGIC or zstd_module() is None:
        return None
    try:
        return zstd_module().get_frame_parameters(data).window_size
    except Exception:  # zstandard.ZstdError: a header cut short
        return None


def sniff(data):
    """The encoding ``data`` is compressed with, by its first bytes or by trying ("br", "gzip",
    "zstd"), or None: how check tells a body compressed twice, or a copy sent without its label."""
    if data[:2] == b"\x1f\x8b":
        return "gzip"
    if data[:4] == ZSTD_MAGIC:
        return "zstd"
    try:
        if brotli_module() is not None and brotli_module().decompress(data) != data:
            return "br"
    except Exception:  # brotli.error: not brotli
        pass
    return None
