"""Deploy rules as pure functions: the manifest a rebuild writes, what check says of a file's type
and which base URL a fix names, and the command line's own texts (help, commands in the docs)."""

import gzip
import random
import re
import shlex
import zlib
from pathlib import Path

import pytest
import zstandard

from heap_device.tools import UsageError, bundle, check, cli, output, precompress

REPO = Path(__file__).resolve().parent.parent


# ---------------------------------------------------------------- the manifest across rebuilds

OLD = {
    "entry": "heap-device.b.js",
    "files": ["heap-device.b.js", "heap-device.tag.html", "x.b/m.wasm", "shared.js"],
    "previous": {"entry": "heap-device.a.js", "files": ["heap-device.a.js", "x.a/m.wasm"]},
}


@pytest.mark.parametrize(
    "old, new, manifest, removed",
    [
        # the first build: nothing before it
        ({}, ["e.js", "w.wasm"], {"entry": "e.js", "files": ["e.js", "w.wasm"]}, set()),
        # a rebuild keeps the build before it (not its tag) and removes the one before that
        (
            OLD,
            ["heap-device.c.js", "x.c/m.wasm", "shared.js"],
            {
                "entry": "heap-device.c.js",
                "files": ["heap-device.c.js", "shared.js", "x.c/m.wasm"],
                "previous": {
                    "entry": "heap-device.b.js",
                    "files": ["heap-device.b.js", "x.b/m.wasm"],
                },
            },
            {"heap-device.a.js", "x.a/m.wasm", "heap-device.tag.html"},
        ),
        # the same build again: nothing to keep, the older one goes
        (
            OLD,
            OLD["files"],
            {"entry": "heap-device.c.js", "files": sorted(OLD["files"])},
            {"heap-device.a.js", "x.a/m.wasm"},
        ),
        # the same build again (nothing changed, or only --options): the build before it stays,
        # and so does the tag it printed
        (
            {**OLD, "tag": {"base_url": "/heap", "options": None}},
            ["heap-device.b.js", "x.b/m.wasm", "shared.js"],
            {
                "entry": "heap-device.b.js",
                "files": ["heap-device.b.js", "heap-device.tag.html", "shared.js", "x.b/m.wasm"],
                "previous": OLD["previous"],
                "tag": {"base_url": "/heap", "options": None},
            },
            set(),
        ),
        # the same build, its .br copy no longer written: only that copy goes
        (
            {"entry": "e.js", "files": ["e.js", "e.js.br"], "previous": OLD["previous"]},
            ["e.js"],
            {"entry": "e.js", "files": ["e.js"], "previous": OLD["previous"]},
            {"e.js.br"},
        ),
        # a manifest from before entries: its files are the previous build's, heap-device.js first
        (
            {"files": ["heap-device.js", "micropython/m.wasm"]},
            ["heap-device.c.js"],
            {
                "entry": "heap-device.c.js",
                "files": ["heap-device.c.js"],
                "previous": {
                    "entry": "heap-device.js",
                    "files": ["heap-device.js", "micropython/m.wasm"],
                },
            },
            set(),
        ),
        # unsafe names in a manifest are never kept nor removed
        (
            {"entry": "e.js", "files": ["../outside", "/etc/passwd", "e.js"]},
            ["f.js"],
            {"entry": "f.js", "files": ["f.js"], "previous": {"entry": "e.js", "files": ["e.js"]}},
            set(),
        ),
    ],
)
def test_a_rebuild_keeps_the_build_before_it(old, new, manifest, removed):
    entry = manifest["entry"]
    assert output.next_manifest(old, new, entry) == (manifest, removed)


def test_a_rebuild_that_changes_nothing_keeps_the_build_before_it(tmp_path):
    """Real builds into one folder: A, then B, then B again (as it was, with other --options,
    without a tag): A's files stay, so a page still cached with A's tag keeps working."""
    out = tmp_path / "heap"

    def build(*more):
        assert cli.main(["build", "--out", str(out), *more]) == 0
        return output.read_manifest(out)

    first = build()
    second = build("--dev", "--base-url", "/heap")
    assert second["previous"]["entry"] == first["entry"] != second["entry"]
    classic = '{"sdk": "classic"}'
    for again in (["--base-url", "/heap"], ["--base-url", "/heap", "--options", classic], []):
        manifest = build("--dev", *again)
        assert (manifest["entry"], manifest["previous"]) == (second["entry"], second["previous"])
        assert [n for n in first["files"] if not (out / n).is_file()] == []
        assert all((out / n).is_file() for n in manifest["files"])
    # The last rebuild printed no tag: the one printed for this very build stays, options and all.
    assert manifest["tag"] == {"base_url": "/heap", "options": classic}
    assert output.remembered_tag(out) == ("/heap", classic)
    assert build()["previous"]["entry"] == second["entry"]  # a build that differs: B is before


def test_the_entry_file_of_a_build_folder(tmp_path):
    with pytest.raises(UsageError, match="holds no heap-device build"):
        output.entry_file(tmp_path)
    (tmp_path / "heap-device.js").write_text("old", encoding="utf-8")  # a build before manifests
    assert output.entry_file(tmp_path) == tmp_path / "heap-device.js"
    (tmp_path / "heap-device.abc.js").write_text("new", encoding="utf-8")
    (tmp_path / output.MANIFEST).write_text('{"entry": "heap-device.abc.js"}', encoding="utf-8")
    assert output.entry_file(tmp_path) == tmp_path / "heap-device.abc.js"


def test_the_tag_remembers_its_base_url_and_options(tmp_path):
    (tmp_path / output.MANIFEST).write_text('{"entry": "e.js", "files": ["e.js"]}', "utf-8")
    assert output.remembered_tag(tmp_path) == (None, None)
    output.save_tag(tmp_path, "<script></script>\n", "/heap", '{"sdk": "v3"}')
    assert output.remembered_tag(tmp_path) == ("/heap", '{"sdk": "v3"}')
    assert output.read_manifest(tmp_path)["files"] == ["e.js", output.TAG_FILE]


# ---------------------------------------------------------------- what check says


@pytest.mark.parametrize(
    "name, mime, words",
    [
        ("heap-device.js", "text/javascript", None),
        (
            "heap-device.js",
            "text/plain",
            "serve .js files as text/javascript (browsers refuse a "
            "script of another type when the server sends X-Content-Type-Options: nosniff",
        ),
        ("heap-device-runtime.js", "text/plain", "browsers refuse modules of any other type"),
        ("micropython/micropython.mjs", "application/octet-stream", "refuse modules"),
        ("micropython/micropython.wasm", "application/octet-stream", "as application/wasm"),
        ("micropython/micropython.wasm", "application/wasm", None),
        ("heap_device/modules.bin", "application/octet-stream", None),
    ],
)
def test_the_type_each_file_needs(name, mime, words):
    said = check.type_problem(name, mime, "heap-device.js")
    assert said is None if words is None else words in said
    if name == "heap-device.js" and said:  # a classic script, not a module
        assert "module" not in said


@pytest.mark.parametrize(
    "manifest, page_origin, suggested",
    [
        ({"tag": {"base_url": "/heap"}}, None, "/heap"),
        ({"tag": {"base_url": "https://cdn.b.test/h"}}, "https://a.test", "https://cdn.b.test/h"),
        ({}, "https://a.test", "/static/heap"),  # on the page's origin: the path, as build took
        ({}, "https://other.test", "https://a.test/static/heap"),
        ({}, None, "https://a.test/static/heap"),
    ],
)
def test_a_fix_names_the_base_url_the_build_used(manifest, page_origin, suggested):
    base = "https://a.test/static/heap"
    assert check._base_url_to_suggest(base, manifest, page_origin) == suggested


# ---------------------------------------------------------------- the command line's texts


def _actions(parser, prefix=""):
    for action in parser._actions:
        if action.dest == "help":
            continue
        choices = getattr(action, "choices", None)
        if isinstance(choices, dict):  # the subcommands
            for name, sub in choices.items():
                yield from _actions(sub, prefix + name + " ")
        else:
            yield prefix + "/".join(action.option_strings or [action.dest]), action


def test_every_argument_says_what_it_is():
    silent = [name for name, action in _actions(cli._parser()) if not action.help]
    assert silent == []


def _documented_commands():
    """Every `heap-device ...` command line in the README and docs/ (placeholders filled in)."""
    found = []
    for path in [REPO / "README.md", *sorted((REPO / "docs").glob("*.md"))]:
        text = path.read_text(encoding="utf-8")
        # inline code with options, and the lines of fenced code blocks
        prose = "\n".join(x for x in text.splitlines() if not x.startswith("#"))  # no headings
        lines = [s for s in re.findall(r"`(heap-device [^`]+)`", prose) if " --" in s]
        for block in re.findall(r"^```[a-z]*\n(.*?)^```", text, re.MULTILINE | re.DOTALL):
            lines += re.findall(r"^\s*(heap-device [^\n]+)$", block, re.MULTILINE)
        for line in lines:
            line = line.split(" #")[0].strip()
            line = re.sub(r"\s*\[[^\]]*\]", "", line)  # optional parts: [--options …]
            line = line.replace("…", "x").replace("...", "x")
            found.append((path.name, line))
    return found


@pytest.mark.parametrize("where, line", _documented_commands())
def test_every_documented_command_parses(where, line):
    words = shlex.split(line)[1:]
    if words[-1].startswith("--") and words[-1] not in ("--force", "--version"):
        return  # prose naming an option (`heap-device snippet --options`), not a command
    try:
        cli._parser().parse_args(words)
    except UsageError as exc:
        pytest.fail("%s: %s: %s" % (where, line, exc))


# ---------------------------------------------------------------- names by content


@pytest.mark.parametrize(
    "served, logical",
    [
        ("heap-device.0123456789ab.js", "heap-device.js"),
        ("heap-device.0123456789ab.js.br", "heap-device.js.br"),  # its precompressed copy
        ("heap-device-runtime.0123456789ab.js", "heap-device-runtime.js"),
        ("micropython.0123456789ab/micropython.wasm", "micropython/micropython.wasm"),
        ("heap_device.0123456789ab/browser/main.py", "heap_device/browser/main.py"),
        ("pyscript.0123456789ab/core-CbC3PjpD.js", "pyscript/core-CbC3PjpD.js"),  # theirs stays
        ("heap-device.js", "heap-device.js"),  # a build from before
        ("micropython/micropython.wasm", "micropython/micropython.wasm"),
        ("heap-device.0123456789.js", "heap-device.0123456789.js"),  # not our hash's length
        ("x/heap-device.0123456789ab.js", "x/heap-device.0123456789ab.js"),  # only the top
    ],
)
def test_a_served_name_as_the_sources_name_it(served, logical):
    assert bundle.logical_name(served) == logical
    assert bundle.is_content_addressed(served) is (served != logical)


def test_a_name_changes_with_the_bytes_and_only_with_them():
    one = bundle.hashed_name("heap-device.js", b"a")
    assert (
        one
        == bundle.hashed_name("heap-device.js", b"a")
        != bundle.hashed_name("heap-device.js", b"b")
    )
    assert re.fullmatch(r"heap-device\.[0-9a-f]{12}\.js", one) and bundle.is_entry_name(one)
    assert not bundle.is_entry_name("x/" + one) and not bundle.is_entry_name("heap.js")
    # A folder's name changes when any of its files does, or a file is added or renamed.
    files = {"m/a.wasm": b"1", "m/b.mjs": b"2", "p/x": b"3"}
    names = bundle.content_addressed_folders(files)
    assert set(names) == {"m/", "p/"} and re.fullmatch(r"m\.[0-9a-f]{12}/", names["m/"])
    for changed in ({"m/a.wasm": b"9"}, {"m/c.js": b"2"}):
        other = bundle.content_addressed_folders({**files, **changed})
        assert other["m/"] != names["m/"] and other["p/"] == names["p/"]
    renamed = {"m/a2.wasm": b"1", "m/b.mjs": b"2", "p/x": b"3"}
    assert bundle.content_addressed_folders(renamed)["m/"] != names["m/"]
    assert bundle.served_name("m/a.wasm", names) == names["m/"] + "a.wasm"
    assert bundle.served_name("heap-device.js", names) == "heap-device.js"


@pytest.mark.parametrize(
    "header, for_good, revalidated",
    [
        ("public, max-age=31536000, immutable", True, False),
        ("max-age=86400", False, False),  # a day: a CDN's default, not for good
        ("max-age=604800", True, False),
        ("public, s-maxage=31536000", True, False),
        ("no-cache", False, True),
        ("no-store", False, True),
        ("max-age=0, must-revalidate", False, True),
        ("immutable, no-cache", False, True),
        (None, False, False),  # browsers guess a lifetime from Last-Modified
        ("max-age=nope", False, True),  # RFC 9111: an invalid max-age is stale
    ],
)
def test_what_a_cache_control_header_means(header, for_good, revalidated):
    directives = check.cache_directives(header)
    assert check.is_cached_for_good(directives) is for_good
    assert check.is_revalidated(directives) is revalidated


# ---------------------------------------------------------------- precompressed copies


def test_each_file_gets_its_copies_when_they_save_enough():
    text = b"heap-device " * 500
    noise = random.Random(1).randbytes(2000)  # does not compress: not worth a copy
    copies = precompress.precompressed({"a.js": text, "b.bin": noise})
    assert sorted(copies) == ["a.js.br", "a.js.gz"]
    assert precompress.decode(copies["a.js.gz"], "gzip") == text
    assert precompress.decode(copies["a.js.br"], "br") == text
    assert copies == precompress.precompressed({"a.js": text, "b.bin": noise})  # reproducible
    names = {"a.js", "a.js.br", "a.js.gz", "x.gz"}
    assert [n for n in sorted(names) if precompress.is_copy(n, names)] == ["a.js.br", "a.js.gz"]


def test_without_brotli_a_build_writes_gzip_only(monkeypatch):
    monkeypatch.setattr(precompress, "brotli_module", lambda: None)
    assert precompress.available() == ["gzip"]
    assert sorted(precompress.precompressed({"a.js": b"x" * 1000})) == ["a.js.gz"]
    with pytest.raises(precompress.CannotDecode, match="pip install brotli"):
        precompress.decode(b"anything", "br")  # check then says it cannot read br here


def test_without_zstandard_check_asks_for_no_zstd_alone(monkeypatch):
    monkeypatch.setattr(precompress, "zstd_module", lambda: None)
    assert precompress.readable() == ["br", "gzip"]
    assert check.encodings_asked() == ["identity", "br", "gzip", "gzip, deflate, br, zstd"]
    with pytest.raises(precompress.CannotDecode, match="pip install zstandard"):
        precompress.decode(b"anything", "zstd")  # check then notes the answer as not verified


TEXT = b"heap-device " * 50


def streamed_zstd(data, window_log=None):
    """``data`` as a server's zstd encoder sends it: no size in the frame; its window as given."""
    params = zstandard.ZstdCompressionParameters.from_level(3, window_log=window_log or 0)
    stream = zstandard.ZstdCompressor(compression_params=params).compressobj()
    return stream.compress(data) + stream.flush()


@pytest.mark.parametrize(
    "sent, encoding, decoded",
    [
        (TEXT, None, TEXT),
        (TEXT, "identity", TEXT),
        (gzip.compress(TEXT), "gzip", TEXT),
        (gzip.compress(TEXT), "X-Gzip", TEXT),
        (zlib.compress(TEXT), "deflate", TEXT),
        (zlib.compress(TEXT)[2:-4], "deflate", TEXT),  # raw deflate, as some servers send it
        (precompress.compress(TEXT, "br"), "br", TEXT),
        # codings in the order applied: brotli first, then gzip over it
        (gzip.compress(precompress.compress(TEXT, "br")), "br, gzip", TEXT),
        (gzip.compress(precompress.compress(TEXT, "br")), "br", "not br data"),
        (TEXT, "gzip", "not gzip data"),
        (TEXT, "compress", "check cannot read 'compress'"),
        (zstandard.ZstdCompressor(level=19).compress(TEXT), "zstd", TEXT),
        (streamed_zstd(TEXT), "zstd", TEXT),
        # frames one after the other (a server flushing as it goes): read as one body
        (streamed_zstd(TEXT[:100]) + streamed_zstd(TEXT[100:]), "zstd", TEXT),
        (streamed_zstd(TEXT)[:-3], "zstd", "not zstd data \\(cut short inside a frame\\)"),
        (TEXT, "zstd", "not zstd data"),
        (gzip.compress(TEXT), "zstd", "not zstd data"),
        # RFC 9659 holds HTTP's zstd to an 8 MB window: Chromium refuses a frame needing more
        (
            streamed_zstd(TEXT, window_log=24),
            "zstd",
            "a zstd frame needs a window of 16 MB, more than the 8 MB browsers decode",
        ),
        (streamed_zstd(TEXT, window_log=23), "zstd", TEXT),
    ],
    ids=["none", "identity", "gzip", "x-gzip", "deflate", "raw-deflate", "br", "br-then-gzip"]
    + ["gzip-labelled-br", "plain-labelled-gzip", "unknown", "zstd", "zstd-streamed"]
    + ["zstd-frames", "zstd-cut-short", "plain-labelled-zstd", "gzip-labelled-zstd"]
    + ["zstd-window-16mb", "zstd-window-8mb"],
)
def test_what_a_content_encoding_decodes_to(sent, encoding, decoded):
    if isinstance(decoded, bytes):
        assert precompress.decode(sent, encoding) == decoded
    else:
        with pytest.raises(precompress.CannotDecode, match=decoded):
            precompress.decode(sent, encoding)


def test_what_compressed_bytes_are_sniffed_as():
    assert precompress.sniff(gzip.compress(TEXT)) == "gzip"
    assert precompress.sniff(precompress.compress(TEXT, "br")) == "br"
    assert precompress.sniff(streamed_zstd(TEXT)) == "zstd"
    assert precompress.sniff(TEXT) is None
