"""`heap-device check` over real HTTP against a server that compresses with zstd on the way out.

Chromium asks with Accept-Encoding: gzip, deflate, br, zstd and decodes zstd; Caddy's common
`encode zstd gzip` (and zstd modules for nginx, CDNs) answers it with zstd. check asks for zstd
alone and as a browser asks, decodes what comes and holds it to the build's hashes like any
other encoding. The server here is our one local server (tools/server.py) with its answers
compressed as Caddy's encoder does; ``sent_as_zstd`` replaces the zstd body of one path, to serve
it wrong in one way per test. No browser.
"""

import gzip
import shutil
import threading
from urllib.parse import urlsplit

import pytest
import zstandard

from heap_device.tools import cli
from heap_device.tools import server as local_server
from heap_device.tools.bundle import RUNTIME_SCRIPT
from heap_device.tools.snippet import integrity
from tests.check_served import STRICT, built, served, tag_of

WASM = "micropython/micropython.wasm"
BROWSER = "gzip, deflate, br, zstd"  # Chromium's Accept-Encoding
PREFIX = "heap-device check: "


class EncodesZstd(local_server.Handler):
    """Caddy's `encode zstd gzip` over a file server: every answer compressed on the way out,
    zstd when the request accepts it (Caddy's first choice), else gzip; the build's .br and .gz
    copies are not used. Notes (path, Accept-Encoding, Content-Encoding) of each answer."""

    def _send_precompressed(self):  # a file: sent through _send, so compressed there
        path = self.translate_path(self.path)
        try:
            with open(path, "rb") as file:
                body = file.read()
        except OSError:
            return False  # a missing file: the server's own 404
        self._send(200, self.guess_type(path), body)
        return True

    def _send(self, status, kind, body):
        path = urlsplit(self.path).path
        accepted = {
            a.split(";")[0].strip() for a in self.headers.get("Accept-Encoding", "").split(",")
        }
        coding = next((c for c in ("zstd", "gzip") if c in accepted), None)
        if coding == "zstd":
            body = self.server.sent_as_zstd.get(path) or zstandard.ZstdCompressor().compress(body)
        elif coding == "gzip":
            body = gzip.compress(body, mtime=0)
        self.server.answered.append((path, self.headers.get("Accept-Encoding"), coding))
        self.send_response(status)
        self.send_header("Content-Type", kind)
        if coding:
            self.send_header("Content-Encoding", coding)
            self.send_header("Vary", "Accept-Encoding")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


@pytest.fixture
def site(tmp_path):
    """A worker build in /heap/ and its tag on the page /, served as Caddy's encoder serves it."""
    shutil.copytree(built(STRICT), tmp_path / "heap")
    page = "<!doctype html><html><head>%s</head><body>shop</body></html>" % tag_of(
        tmp_path / "heap"
    )
    server = local_server.make_server(
        tmp_path, pages={"/": page.encode("utf-8")}, handler=EncodesZstd
    )
    server.sent_as_zstd, server.answered = {}, []
    server.folder = tmp_path / "heap"
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield server
    server.shutdown()
    server.server_close()


def check(server, capsys):
    """(exit status, problem lines, all lines) of `heap-device check` on the site's page."""
    status = cli.main(["check", server.url])
    out = capsys.readouterr()
    assert out.err == ""
    lines = [line[len(PREFIX) :] for line in out.out.splitlines()]
    said = [
        line
        for line in lines
        if not line.startswith(("note: ", "bytes: ", "sound: ")) and "problem(s) found" not in line
    ]
    return status, said, lines


def zstd_of(data, window_log=None):
    """``data`` as a streaming zstd encoder sends it (no size in the frame), its window as given."""
    if window_log is None:
        compressor = zstandard.ZstdCompressor()
    else:
        params = zstandard.ZstdCompressionParameters.from_level(3, window_log=window_log)
        compressor = zstandard.ZstdCompressor(compression_params=params)
    stream = compressor.compressobj()
    return stream.compress(data) + stream.flush()


def test_a_site_compressing_with_zstd_is_read_and_sound(site, capsys):
    status, said, lines = check(site, capsys)
    assert (status, said) == (0, [])
    assert lines[-1].startswith("sound: ")
    wasm = "/heap/" + served(site.folder, WASM)
    # Asked in each encoding alone and as Chromium asks; zstd answered, decoded, held to the hash.
    asked = {accept: coding for path, accept, coding in site.answered if path == wasm}
    assert asked == {"identity": None, "br": None, "gzip": "gzip", "zstd": "zstd", BROWSER: "zstd"}
    [bytes_line] = [line for line in lines if line.startswith("bytes: ")]
    assert "Content-Encoding: zstd " in bytes_line


def test_a_zstd_answer_of_other_bytes_is_named_with_its_encoding_and_fix(site, capsys):
    """A CDN's cached zstd answer from another build (or a .zst copy left beside the file)."""
    name = served(site.folder, WASM)
    right = (site.folder / name).read_bytes()
    other = right[:-1] + bytes([right[-1] ^ 1])
    site.sent_as_zstd["/heap/" + name] = zstd_of(other)
    runtime = served(site.folder, RUNTIME_SCRIPT)
    status, said, _ = check(site, capsys)
    assert status == 1
    assert said == [
        f"changed: {site.url}heap/{name} sent with Content-Encoding: zstd is not the file the "
        f"build wrote (sha384 {integrity(other)}; the BUILD.integrity of {runtime} says "
        f"{integrity(right)}), so browsers that get it this way refuse it and Heap gets no "
        "events: the build writes no zstd copy, so the server or a CDN made this one from other "
        "bytes: remove any copy beside the file that is not the build's (such as x.zst), purge "
        "the CDN's cache of the bundle, and upload the whole folder one heap-device build wrote "
        "again"
    ]


def test_a_body_labelled_zstd_that_is_not_is_one_line(site, capsys):
    name = served(site.folder, WASM)
    site.sent_as_zstd["/heap/" + name] = (site.folder / name).read_bytes()  # not compressed
    status, said, _ = check(site, capsys)
    assert status == 1
    [line] = said
    assert line.startswith(
        f"undecodable: {site.url}heap/{name} is sent with Content-Encoding: zstd but does not "
        "decode (not zstd data ("
    )
    assert line.endswith(
        ": the server labels it zstd but sends other bytes), so browsers fail it "
        "(ERR_CONTENT_DECODING_FAILED) and Heap gets no events: serve the build's precompressed "
        "copies as they are, compressed once, labelled with their own encoding"
    )


def test_a_zstd_window_browsers_refuse_is_not_sound(site, capsys):
    """The right bytes, in a frame needing a 16 MB window: a library reads it, Chromium does not
    (RFC 9659: 8 MB at most; zstd --ultra -22 or --long write such frames)."""
    name = served(site.folder, WASM)
    site.sent_as_zstd["/heap/" + name] = zstd_of((site.folder / name).read_bytes(), window_log=24)
    status, said, _ = check(site, capsys)
    assert status == 1
    assert said == [
        f"undecodable: {site.url}heap/{name} is sent with Content-Encoding: zstd but a zstd "
        "frame needs a window of 16 MB, more than the 8 MB browsers decode (RFC 9659's limit), "
        "so browsers fail it (ERR_ZSTD_WINDOW_SIZE_TOO_BIG) and Heap gets no events: compress "
        "with a window of 8 MB at most (zstd's levels up to 19, without --long or --ultra), or "
        "serve the build's .br and .gz copies instead"
    ]
