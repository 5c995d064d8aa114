"""check fetches every file the entry loads, in every encoding, and compares it with its hash.

The entry's BUILD.integrity names the runtime module, whose own BUILD.integrity names the
interpreter's files and the module pack: check follows that chain (whatever files it names), asks
for each file with Accept-Encoding identity, br, gzip and zstd separately and once as Chromium asks
(gzip, deflate, br, zstd), decodes each answer and compares it with the hash (a server answering
zstd: test_check_zstd.py). Each row below serves a real build wrong in one way, through recorded
answers (tests/check_served.py), and gives the exact line check must print.
"""

import gzip
import io
import json
import re

import pytest

from heap_device.tools import check, precompress
from heap_device.tools.assets import STATIC
from heap_device.tools.bundle import RUNTIME_SCRIPT, hashed_name, logical_name
from heap_device.tools.output import read_manifest
from heap_device.tools.snippet import integrity
from tests.check_served import (
    STRICT,
    Site,
    Web,
    answer,
    copy_of,
    notes,
    page_with,
    problems,
    run,
    served,
    tag_of,
)

ORIGIN = "https://shop.test"
# The file the runtime module names in the default build: the interpreter's .wasm.
WASM = "micropython/micropython.wasm"
BASE = ORIGIN + "/heap"


@pytest.fixture
def shop(tmp_path):
    """A worker build at https://shop.test/heap/ and its tag on the page /."""
    folder = copy_of(STRICT, tmp_path / "heap")
    site = Site(ORIGIN, {"/": page_with(tag_of(folder))}, {"/heap/": folder})
    site.folder = folder
    return site


def loads(folder):
    """The files a page loads from the build in ``folder`` (not the tag, not the copies)."""
    names = read_manifest(folder)["files"]
    return sorted(n for n in names if n.endswith((".js", ".mjs", ".wasm", ".bin")))


def test_a_sound_deploy_asks_for_every_file_in_every_encoding(shop):
    web = Web(shop)
    status, lines = run(web, ORIGIN + "/")
    files = loads(shop.folder)
    assert (status, problems(lines)) == (0, [])
    assert lines[-1] == "heap-device check: sound: %d files served right from %s/" % (
        len(files),
        BASE,
    )
    asked = {(url, accept) for url, accept in web.asked}
    for name in files:
        for accept in ("identity", "br", "gzip", "zstd", "gzip, deflate, br, zstd"):
            assert (BASE + "/" + name, accept) in asked


def _sha(data):
    return integrity(data)


def _change_file(folder, logical, keep_copies=False):
    """One byte of a file changed (its copies removed unless kept); (name, new bytes)."""
    name = served(folder, logical)
    path = folder / name
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 1
    path.write_bytes(bytes(data))
    if not keep_copies:
        for suffix in (".br", ".gz"):
            path.with_name(path.name + suffix).unlink(missing_ok=True)
    return name, bytes(data)


def test_a_wasm_changed_by_one_byte_is_caught_in_every_encoding(shop):
    original = (shop.folder / served(shop.folder, WASM)).read_bytes()
    name, data = _change_file(shop.folder, WASM)
    runtime = served(shop.folder, RUNTIME_SCRIPT)
    status, lines = run(Web(shop), ORIGIN + "/")
    assert status == 1
    assert problems(lines) == [
        f"changed: {BASE}/{name} is not the file the build wrote, in every encoding (sha384 "
        f"{_sha(data)}; the BUILD.integrity of {runtime} says {_sha(original)}), so browsers "
        "refuse it and Heap gets no events: upload the whole folder one heap-device build wrote "
        "again (and no CDN or proxy rewriting its files)"
    ]


@pytest.mark.parametrize("encoding, suffix", [("gzip", ".gz"), ("br", ".br")])
def test_a_copy_holding_other_bytes_is_caught_in_its_encoding(shop, encoding, suffix):
    """A .gz (or .br) from another build beside the right file: only its encoding is wrong."""
    name = served(shop.folder, WASM)
    path = shop.folder / name
    right = path.read_bytes()
    other = right[:-1] + bytes([right[-1] ^ 1])
    path.with_name(path.name + suffix).write_bytes(precompress.compress(other, encoding))
    runtime = served(shop.folder, RUNTIME_SCRIPT)
    status, lines = run(Web(shop), ORIGIN + "/")
    assert status == 1
    assert problems(lines) == [
        f"changed: {BASE}/{name} sent with Content-Encoding: {encoding} is not the file the "
        f"build wrote (sha384 {_sha(other)}; the BUILD.integrity of {runtime} says "
        f"{_sha(right)}), so browsers that get it this way refuse it and Heap gets no events: "
        "upload the whole folder one heap-device build wrote again, its .br and .gz copies with "
        "it (a copy left from another build does this)"
    ]


def test_the_entry_is_held_to_the_tag_in_every_encoding(shop):
    entry = read_manifest(shop.folder)["entry"]
    path = shop.folder / entry
    other = path.read_bytes() + b"\n"
    path.with_name(entry + ".gz").write_bytes(gzip.compress(other, mtime=0))
    status, lines = run(Web(shop), ORIGIN + "/")
    served_sri = _sha(path.read_bytes())
    assert problems(lines) == [
        f"changed: {BASE}/{entry} sent with Content-Encoding: gzip is not the file the build "
        f"wrote (sha384 {_sha(other)}; the uncompressed answer says {served_sri}), so browsers "
        "that get it this way refuse it and Heap gets no events: upload the whole folder one "
        "heap-device build wrote again, its .br and .gz copies with it (a copy left from another "
        "build does this)"
    ]
    assert status == 1


def test_the_runtime_module_is_held_to_the_entrys_hash(shop):
    name, data = _change_file(shop.folder, RUNTIME_SCRIPT)
    status, lines = run(Web(shop), ORIGIN + "/")
    [line] = problems(lines)
    entry = read_manifest(shop.folder)["entry"]
    assert line.startswith(f"changed: {BASE}/{name} is not the file the build wrote, in every")
    assert f"sha384 {_sha(data)}; the BUILD.integrity of {entry} says sha384-" in line


def test_without_a_page_the_entrys_name_holds_its_hash(shop):
    entry = read_manifest(shop.folder)["entry"]
    (shop.folder / entry).write_bytes((shop.folder / entry).read_bytes() + b"\n")
    for suffix in (".br", ".gz"):
        (shop.folder / (entry + suffix)).unlink()
    status, lines = run(Web(shop), BASE)
    [line] = problems(lines)
    assert status == 1 and line.startswith(
        f"changed: {BASE}/{entry} sent uncompressed is not the file its name says (named for "
        f"sha256 {entry.split('.')[1]}…"
    )


# ---------------------------------------------------------------- answers that do not decode


def test_a_br_copy_compressed_again_says_so_not_a_traceback(shop):
    """Apache's stock mod_deflate gzips the .br copy it sends as Content-Encoding: br."""
    name = served(shop.folder, WASM)
    copy = (shop.folder / (name + ".br")).read_bytes()
    url = BASE + "/" + name
    headers = [("Content-Type", "application/wasm"), ("Cache-Control", check.CACHED_FOR_GOOD)]
    shop.replaced[("/heap/" + name, "br")] = answer(url, 200, headers, gzip.compress(copy), "br")
    status, lines = run(Web(shop), ORIGIN + "/")
    assert status == 1
    assert problems(lines) == [
        f"undecodable: {url} is sent with Content-Encoding: br but does not decode (its bytes "
        "are gzip: the server compressed the build's .br copy again on the way out (Apache's "
        "mod_deflate does, unless the rule that sends .br copies sets no-gzip: [E=no-gzip:1]; "
        "docs/website-setup.md)), so browsers fail it (ERR_CONTENT_DECODING_FAILED) and Heap "
        "gets no events: serve the build's precompressed copies as they are, compressed once, "
        "labelled with their own encoding"
    ]


@pytest.mark.parametrize(
    "sent, encoding, words",
    [
        (b"not brotli at all", "br", "(not br data ("),
        (b"\x1f\x8b not really gzip", "gzip", "(not gzip data ("),
        (b"anything", "compress", "which browsers do not decode (asked with Accept-Encoding:"),
    ],
)
def test_any_undecodable_answer_is_one_line(shop, sent, encoding, words):
    name = served(shop.folder, WASM)
    url = BASE + "/" + name
    headers = [("Content-Type", "application/wasm")]
    shop.replaced[("/heap/" + name, "identity")] = answer(url, 200, headers, sent, encoding)
    status, lines = run(Web(shop), ORIGIN + "/")
    [line] = problems(lines)
    assert status == 1 and line.startswith(f"undecodable: {url} is sent with Content-Encoding: ")
    assert words in line


def test_a_br_copy_sent_without_its_label(shop):
    """Apache's mod_mime reads .br as a language: the copy goes out as Content-Language: br."""
    name = served(shop.folder, WASM)
    copy = (shop.folder / (name + ".br")).read_bytes()
    url = BASE + "/" + name
    headers = [("Content-Type", "application/wasm"), ("Content-Language", "br")]
    shop.replaced[("/heap/" + name, "br")] = answer(url, 200, headers, copy)
    status, lines = run(Web(shop), ORIGIN + "/")
    [line] = problems(lines)
    assert line.startswith(f"changed: {url} sent uncompressed is not the file the build wrote")
    assert ": it is the build's .br copy sent without Content-Encoding: br (Apache's" in line


def test_an_html_page_in_place_of_a_file_is_missing(shop):
    name = served(shop.folder, WASM)
    url = BASE + "/" + name
    for accept in check.encodings_asked():
        shop.replaced[("/heap/" + name, accept)] = answer(
            url, 200, [("Content-Type", "text/html; charset=utf-8")], b"<!doctype html>"
        )
    status, lines = run(Web(shop), ORIGIN + "/")
    assert problems(lines) == [
        f"missing: {url} answered an HTML page (a site's page for unknown paths?), not the file: "
        "upload every file of the build folder (heap-device.files.json lists them)"
    ]


def test_a_copy_the_server_cannot_find(shop):
    name = served(shop.folder, WASM)
    url = BASE + "/" + name
    shop.replaced[("/heap/" + name, "gzip")] = answer(url, 404, [("Content-Type", "text/plain")])
    status, lines = run(Web(shop), ORIGIN + "/")
    assert problems(lines) == [
        f"missing: {url} answered 404 when asked with Accept-Encoding: gzip: upload every file "
        "of the build folder (heap-device.files.json lists them), its .br and .gz copies too"
    ]


# ---------------------------------------------------------------- the chain, whatever it names


def _script(build):
    return ("var BUILD = %s;\nexport function boot() {}\n" % json.dumps(build)).encode()


def test_the_chain_is_followed_whatever_files_it_names(tmp_path):
    """A runtime module naming files no list in heap-device knows (as a new runtime may):
    each is fetched in every encoding and held to its hash; no manifest needed."""
    folder = tmp_path / "heap"
    (folder / "rt.1").mkdir(parents=True)
    files = {"rt.1/core.wasm": b"\0asm" + b"x" * 400, "rt.1/frozen.data": b"data " * 100}
    for name, data in files.items():
        (folder / name).write_bytes(data)
    runtime = _script({"integrity": {name: integrity(data) for name, data in files.items()}})
    runtime_name = hashed_name(RUNTIME_SCRIPT, runtime)
    (folder / runtime_name).write_bytes(runtime)
    build = {"runtime": "micropython", "boot": STRICT, "runtimeScript": RUNTIME_SCRIPT}
    build |= {"paths": {RUNTIME_SCRIPT: runtime_name}}
    build["integrity"] = {runtime_name: integrity(runtime)}
    entry = _script(build)
    entry_name = hashed_name("heap-device.js", entry)
    (folder / entry_name).write_bytes(entry)
    site = Site(ORIGIN, folders={"/heap/": folder})
    web = Web(site)
    assert run(web, BASE + "/" + entry_name)[0] == 0
    for name in files:
        asked = {a for u, a in web.asked if u == BASE + "/" + name}
        assert asked == {"identity", "br", "gzip", "zstd", "gzip, deflate, br, zstd"}
    (folder / "rt.1/frozen.data").write_bytes(b"DATA " * 100)
    status, lines = run(Web(site), BASE + "/" + entry_name)
    [line] = problems(lines)
    assert line.startswith(f"changed: {BASE}/rt.1/frozen.data is not the file the build wrote")
    assert f"the BUILD.integrity of {runtime_name} says" in line


# ---------------------------------------------------------------- types


def test_what_check_relies_on_in_the_runtime_module():
    """check says a .wasm of any type works in the worker because the runtime module hands the
    interpreter the verified bytes typed application/wasm (check.WORKER_ANSWERS_WASM). If this
    fails, the runtime module changed that: make check's .wasm type rule follow it."""
    text = (STATIC / RUNTIME_SCRIPT).read_text(encoding="utf-8")
    assert re.search(r"self\.fetch = function", text)
    assert re.search(r"new Response\(bytes, \{ headers: \{ 'Content-Type': type", text)
    assert "/\\.wasm$/.test(url) ? 'application/wasm'" in text


def test_a_wasm_as_octet_stream_works_in_the_worker_but_not_through_pyscript(shop, tmp_path):
    shop.types[".wasm"] = "application/octet-stream"
    status, lines = run(Web(shop), ORIGIN + "/")
    wasm = served(shop.folder, WASM)
    assert (status, problems(lines)) == (0, [])
    [note] = [n for n in notes(lines) if "wrong type" in n]
    assert note.startswith(f"wrong type: {BASE}/{wasm} is served as application/octet-stream:")
    assert note.endswith(
        "(it works in the worker, which hands the interpreter the verified bytes; only Pyodide, "
        "where it runs on the page with no worker, fetches it itself and then fails)"
    )
    folder = copy_of("pyscript", tmp_path / "pyscript")
    site = Site(ORIGIN, {"/": page_with(tag_of(folder))}, {"/heap/": folder})
    site.types[".wasm"] = "application/octet-stream"
    status, lines = run(Web(site), ORIGIN + "/")
    wasm = served(folder, "micropython/micropython.wasm")
    assert (status, problems(lines)) == (0, [])
    assert [n for n in notes(lines) if "wrong type" in n] == [
        f"wrong type: {BASE}/{wasm} is served as application/octet-stream: serve .wasm files as "
        "application/wasm (browsers refuse to stream-compile anything else) (MicroPython still "
        "starts: its loader downloads the file again and compiles it whole, after an error in "
        "the console)"
    ]


@pytest.mark.parametrize(
    "build, said",
    [
        ({"runtime": "pyodide", "boot": "pyscript"}, "problem"),  # Pyodide streams, or fails
        ({"runtime": "micropython", "boot": "pyscript"}, "note"),
    ],
)
def test_the_types_phase_alone(build, said):
    """A phase called with a Context and recorded answers, no server: Pyodide's .wasm fetched
    by Pyodide itself must be application/wasm."""
    ctx = check.Context(ORIGIN + "/", out=io.StringIO())
    ctx.base, ctx.entry_name, ctx.build = BASE, "heap-device.0123456789ab.js", build
    name = "pyodide.0123456789ab/pyodide.asm.wasm"
    got = answer(BASE + "/" + name, 200, [("Content-Type", "application/octet-stream")], b"\0asm")
    check._check_types(ctx, name, {"identity": got})
    line = (
        f"wrong type: {BASE}/{name} is served as application/octet-stream: serve .wasm files as "
        "application/wasm (browsers refuse to stream-compile anything else)"
    )
    if said == "problem":
        assert ctx.problems == [line]
    else:
        assert ctx.problems == [] and line in ctx.out.getvalue()


def test_a_type_wrong_in_one_encoding_only(shop):
    name = served(shop.folder, RUNTIME_SCRIPT)
    url = BASE + "/" + name
    copy = (shop.folder / (name + ".br")).read_bytes()
    shop.replaced[("/heap/" + name, "br")] = answer(
        url, 200, [("Content-Type", "application/x-brotli")], copy, "br"
    )
    status, lines = run(Web(shop), ORIGIN + "/")
    assert problems(lines) == [
        f"wrong type: {url} is served as application/x-brotli when sent with Content-Encoding: br: "
        "serve .js and "
        ".mjs files as text/javascript (browsers refuse modules of any other type)"
    ]


@pytest.mark.parametrize(
    "mime, fine",
    [("text/javascript", True), ("application/x-javascript", True), ("module", False)],
)
def test_one_list_of_javascript_types(mime, fine):
    assert (check.type_problem("heap-device-runtime.js", mime, "e.js") is None) is fine
    assert logical_name("heap-device-runtime.0123456789ab.js") == RUNTIME_SCRIPT


def test_a_file_no_hash_names_is_held_to_its_other_encodings(tmp_path):
    """PyScript fetches the .py modules itself (no hash names them): a .gz copy holding other
    bytes than the file is still caught."""
    folder = copy_of("pyscript", tmp_path / "heap")
    name = served(folder, "heap_device/core/calls.py")
    plain = (folder / name).read_bytes()
    (folder / (name + ".gz")).write_bytes(gzip.compress(plain + b"# another build\n", mtime=0))
    site = Site(ORIGIN, {"/": page_with(tag_of(folder))}, {"/heap/": folder})
    status, lines = run(Web(site), ORIGIN + "/")
    assert (status, problems(lines)) == (
        1,
        [
            f"changed: {BASE}/{name} sent with Content-Encoding: gzip holds other bytes than "
            f"sent uncompressed ({len(plain) + 16} against {len(plain)} bytes): the .br or .gz "
            "copy is from another build: upload the whole folder one heap-device build wrote "
            "again"
        ],
    )


def test_compressed_answers_without_vary_get_a_note(shop):
    name = served(shop.folder, WASM)
    copy = (shop.folder / (name + ".br")).read_bytes()
    url = BASE + "/" + name
    headers = [("Content-Type", "application/wasm")]
    shop.replaced[("/heap/" + name, "br")] = answer(url, 200, headers, copy, "br")
    status, lines = run(Web(shop), ORIGIN + "/")
    assert (status, problems(lines)) == (0, [])
    assert [n for n in notes(lines) if "Vary" in n] == [
        f"cache: 1 file(s) come compressed without Vary: Accept-Encoding (such as {url}): a "
        "shared cache (a CDN, a proxy) may hand the compressed copy to a client that did not ask "
        "for it: send Vary: Accept-Encoding with them (nginx: gzip_vary on)"
    ]


def test_what_only_a_browsers_request_gets(shop):
    """Apache's mod_deflate gzips the .br copy only for a request that accepts br and gzip at
    once, as every browser's does: check asks that way too."""
    name = served(shop.folder, WASM)
    copy = (shop.folder / (name + ".br")).read_bytes()
    url = BASE + "/" + name
    headers = [("Content-Type", "application/wasm"), ("Vary", "Accept-Encoding")]
    shop.replaced[("/heap/" + name, "gzip, deflate, br, zstd")] = answer(
        url, 200, headers, gzip.compress(copy), "br"
    )
    status, lines = run(Web(shop), ORIGIN + "/")
    [line] = problems(lines)
    assert status == 1 and line.startswith(
        f"undecodable: {url} is sent with Content-Encoding: br when asked as browsers ask "
        "(Accept-Encoding: gzip, deflate, br, zstd) but does not decode (its bytes are gzip: "
        "the server compressed the build's .br copy again on the way out"
    )


def test_a_site_page_in_place_of_the_entry(shop):
    """A site that answers unknown paths with its home page: the entry is missing, said so."""
    entry = read_manifest(shop.folder)["entry"]
    url = BASE + "/" + entry
    for accept in check.encodings_asked():
        shop.replaced[("/heap/" + entry, accept)] = answer(
            url, 200, [("Content-Type", "text/html")], b"<!doctype html><p>home</p>"
        )
    status, lines = run(Web(shop), BASE + "/")
    assert (status, problems(lines)) == (
        1,
        [
            f"missing: {url} answered an HTML page: upload the folder heap-device build wrote so "
            f"that it is served at {BASE}/"
        ],
    )
