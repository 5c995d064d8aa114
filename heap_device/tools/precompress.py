"""Precompressed copies of a build's files: ``x.br`` and ``x.gz`` beside each ``x``.

A server that finds them sends them as they are (nginx ``gzip_static``/``brotli_static``, Caddy
``precompressed``, Apache's rewrite rules, an object store with ``Content-Encoding`` set on each
object): the best compression once, at build time, instead of a fast one per request or none.
Every build writes them: gzip from the standard library, brotli through the ``brotli`` package
(a dependency: about a fifth fewer bytes than gzip on the ``.wasm``, for every cold visit); where
it cannot be imported the build writes ``.gz`` only and says so.
"""

import gzip
from functools import lru_cache

# Encodings as a browser names them, best first, and their files' suffixes.
ENCODINGS = {"br": ".br", "gzip": ".gz"}
# A copy that saves less than this share of the bytes is not worth a second file.
MIN_SAVING = 0.05
# Brotli's best quality (11) is slow: measured on this project's machine, 2.8 s for
# micropython.wasm (423 KB -> 161 KB; quality 9: 176 KB) but 164 s for Pyodide's 9 MB .wasm
# (quality 5: 0.5 s, 18% larger). Files above this size get quality 5.
BEST_QUALITY_UP_TO = 1_000_000


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


def available():
    """The encodings this machine can write, best first."""
    return [e for e in ENCODINGS if e != "br" or brotli_module() is not None]


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


def decode(data, encoding):
    """Bytes as sent with Content-Encoding ``encoding`` -> the file's bytes (None: cannot)."""
    if encoding in (None, "", "identity"):
        return data
    if encoding in ("gzip", "x-gzip"):
        return gzip.decompress(data)
    if encoding == "br" and brotli_module() is not None:
        return brotli_module().decompress(data)
    return None
