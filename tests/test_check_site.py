"""`heap-device check URL` over real HTTP: a local site served right passes; served wrong in each
way, it says how.

Each case serves real builds with the one local server (tools/server.py through e2e/served.py, a
thread of Python's standard library; no browser), configured wrong on purpose (a missing file,
MIME types, headers, a stale tag, a copy that does not decode), and reads check's one line per
problem. What needs no HTTP at all is in test_check_files.py and test_check_policy.py.
"""

import gzip
import re
import shutil

import pytest

from e2e import served as server
from heap_device.tools import cli
from heap_device.tools.output import MANIFEST, entry_file, read_manifest
from heap_device.tools.snippet import integrity
from tests.check_served import STRICT, built, served

BYTES = "heap-device check: bytes: "  # what a cold visit downloads: said on every check
NOTE = "heap-device check: note: "  # costs the site something, breaks nothing
GOOD_CSP = {
    "pyscript": "default-src 'self'; script-src 'self' 'wasm-unsafe-eval' 'unsafe-eval'",
    STRICT: "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; object-src 'none'",
}


class Site:
    """A site: /heap/ holds a build, / is a page with a tag; served by our one local server."""

    def __init__(self, root, boot=STRICT, tag=None, **options):
        shutil.copytree(built(boot), root / "heap")
        self.root = root
        self.tag = tag or (root / "heap" / "heap-device.tag.html").read_text(encoding="utf-8")
        page = "<!doctype html><html><head>%s</head><body>shop</body></html>" % self.tag
        self.server = server.start(root, pages={"/": page.encode("utf-8")}, **options)
        self.url = self.server.url

    def check(self, *args, capsys):
        """(exit status, the lines check printed but the one on bytes, kept as self.bytes)."""
        status = cli.main(["check", *args])
        out = capsys.readouterr()
        assert out.err == ""
        lines = out.out.splitlines()
        self.bytes = [line for line in lines if line.startswith(BYTES)]
        return status, [line for line in lines if not line.startswith(BYTES)]


@pytest.fixture
def local_site(tmp_path):
    """Makes Sites, each served on its own port, stopped after the test."""
    made = []

    def make(**options):
        made.append(Site(tmp_path / ("site%d" % len(made)), **options))
        return made[-1]

    yield make
    for one in made:
        server.stop(one.server)


def problems(lines):
    assert lines[-1].endswith("problem(s) found")
    return [line for line in lines[:-1] if not line.startswith((BYTES, NOTE))]


def loaded(folder):
    """How many files of the build in ``folder`` a page loads (not the tag, not the copies)."""
    names = read_manifest(folder)["files"]
    return len([n for n in names if n.endswith((".js", ".mjs", ".wasm", ".bin", ".py", ".json"))])


def lines_of_sound(s):
    count = loaded(s.root / "heap")
    return "heap-device check: sound: %d files served right from %sheap/" % (count, s.url)


@pytest.mark.parametrize("boot", ["pyscript", STRICT])
def test_a_sound_deploy_passes(local_site, capsys, boot):
    s = local_site(boot=boot, headers={"Content-Security-Policy": GOOD_CSP[boot]})
    assert s.check(s.url, capsys=capsys) == (0, [lines_of_sound(s)])
    # The base URL and the saved tag, instead of the page, are sound too.
    tag = str(s.root / "heap" / "heap-device.tag.html")
    assert s.check(s.url + "heap", "--tag", tag, capsys=capsys)[0] == 0
    assert s.check(s.url + "heap/", "--page", s.url, capsys=capsys)[0] == 0


def test_a_missing_file(local_site, capsys):
    s = local_site()
    wasm = served(s.root / "heap", "micropython/micropython.wasm")
    (s.root / "heap" / wasm).unlink()
    status, lines = s.check(s.url, capsys=capsys)
    assert status == 1
    assert problems(lines) == [
        "heap-device check: missing: %sheap/%s answered 404: upload every file of the build "
        "folder (heap-device.files.json lists them), its .br and .gz copies too" % (s.url, wasm)
    ]


def test_a_br_copy_that_does_not_decode_over_real_http(local_site, capsys):
    """The server sends a .br copy that is gzip inside, labelled br: a line, no traceback."""
    s = local_site()
    pack = served(s.root / "heap", "micropython/micropython.wasm")
    copy = s.root / "heap" / (pack + ".br")
    copy.write_bytes(gzip.compress(copy.read_bytes()))
    status, lines = s.check(s.url, capsys=capsys)
    [line] = problems(lines)
    assert status == 1 and line.startswith(
        "heap-device check: undecodable: %sheap/%s is sent with Content-Encoding: br but does "
        "not decode (its bytes are gzip: the server compressed the build's .br copy again"
        % (
            s.url,
            pack,
        )
    )


def test_without_the_manifest_the_chain_names_the_files(local_site, capsys):
    s = local_site()
    pack = served(s.root / "heap", "micropython/micropython.wasm")
    (s.root / "heap" / MANIFEST).unlink()
    (s.root / "heap" / pack).unlink()
    status, lines = s.check(s.url, capsys=capsys)
    assert status == 1
    assert problems(lines) == [
        "heap-device check: missing: %sheap/%s answered 404: upload every file of the build "
        "folder (heap-device.files.json lists them), its .br and .gz copies too" % (s.url, pack)
    ]


def test_nothing_at_the_base_url(local_site, capsys):
    s = local_site()
    status, lines = s.check(s.url + "elsewhere", capsys=capsys)
    assert status == 1
    assert problems(lines)[0].startswith(
        "heap-device check: missing: %selsewhere/heap-device.js answered 404" % s.url
    )


def test_a_page_without_the_tag_says_so(local_site, capsys):
    s = local_site()
    (s.root / "about.html").write_text("<!doctype html><title>About</title>", encoding="utf-8")
    status, lines = s.check(s.url + "about.html", capsys=capsys)
    assert status == 1
    assert problems(lines) == [
        "heap-device check: no tag: %sabout.html holds no heap-device <script> tag: paste the "
        "tag heap-device build printed (saved as heap-device.tag.html beside the bundle) into "
        "the page, before the RudderStack SDK; or give the bundle's URL (its --base-url) to "
        "check the files" % s.url
    ]


@pytest.mark.parametrize(
    "boot, suffix, served_as, words",
    [
        ("pyscript", ".js", "application/octet-stream", "serve .js"),
        (
            "pyscript",
            ".mjs",
            "application/octet-stream",
            "serve .js and .mjs files as text/javascript",
        ),
        (STRICT, ".js", "text/plain", "serve .js"),
    ],
)
def test_wrong_mime_types(local_site, capsys, boot, suffix, served_as, words):
    s = local_site(boot=boot, types={suffix: served_as})
    status, lines = s.check(s.url, capsys=capsys)
    assert status == 1
    found = problems(lines)
    assert found and all(("served as %s" % served_as) in line and words in line for line in found)
    # heap-device.<hash>.js is a classic script: only the modules are "modules".
    entry = entry_file(s.root / "heap").name
    said = [line for line in found if "/%s is served" % entry in line]
    assert all("modules" not in line and "nosniff" in line for line in said)


def test_a_stale_tag_names_the_build_uploaded_last(local_site, capsys):
    # The page carries the tag of the PyScript build; only the other build was uploaded since.
    stale = (built("pyscript") / "heap-device.tag.html").read_text(encoding="utf-8")
    s = local_site(tag=stale)
    status, lines = s.check(s.url, capsys=capsys)
    assert status == 1
    [line] = problems(lines)
    old, new = entry_file(built("pyscript")).name, entry_file(s.root / "heap").name
    assert line == (
        "heap-device check: stale tag: the page's tag loads %sheap/%s, which answered 404; the "
        "build uploaded last is %s: put its tag in the page (heap-device snippet --from DIR "
        "--base-url /heap)" % (s.url, old, new)
    )


def test_the_build_before_is_kept_but_its_tag_is_stale(local_site, capsys):
    # Both builds uploaded into one folder, as a rebuild leaves it: the older tag still loads.
    stale = (built("pyscript") / "heap-device.tag.html").read_text(encoding="utf-8")
    s = local_site(boot="pyscript", tag=stale)
    assert cli.main(["build", "--out", str(s.root / "heap"), "--boot", STRICT]) == 0
    capsys.readouterr()
    status, lines = s.check(s.url, capsys=capsys)
    assert status == 1
    [line] = problems(lines)
    assert line.startswith(
        "heap-device check: stale tag: the page's tag loads %s, but"
        % (entry_file(built("pyscript")).name)
    )


def test_an_edited_tag_is_an_sri_mismatch(local_site, capsys):
    good = (built(STRICT) / "heap-device.tag.html").read_text(encoding="utf-8")
    wrong = integrity(b"another build")
    s = local_site(tag=re.sub(r'integrity="[^"]*"', 'integrity="%s"' % wrong, good))
    status, lines = s.check(s.url, capsys=capsys)
    served_sri = integrity(entry_file(s.root / "heap").read_bytes())
    assert status == 1
    [line] = problems(lines)
    assert line.startswith("heap-device check: SRI mismatch: the page's tag's integrity sha384-")
    assert "(%s)" % served_sri in line
    # The fix names the base URL the build was given (/heap), not the absolute one check used.
    assert line.endswith("(heap-device snippet --from DIR --base-url /heap)")
    # The same given as --integrity, or as a tag file.
    assert s.check(s.url + "heap", "--integrity", wrong, capsys=capsys)[0] == 1
    tag_file = s.root / "old-tag.html"
    tag_file.write_text(re.sub(r'integrity="[^"]*"', 'integrity="%s"' % wrong, good), "utf-8")
    status, lines = s.check(s.url + "heap", "--tag", str(tag_file), capsys=capsys)
    assert status == 1 and "SRI mismatch: the --tag's integrity" in lines[0]


def test_bad_options_in_the_page_tag(local_site, capsys):
    good = (built(STRICT) / "heap-device.tag.html").read_text(encoding="utf-8")
    s = local_site(
        tag=good.replace("></script>", ' data-options="{&#34;sdk&#34;:&#34;v4&#34;}"></script>')
    )
    status, lines = s.check(s.url, capsys=capsys)
    assert status == 1
    [line] = problems(lines)
    assert line.startswith("heap-device check: the page's tag's data-options: ") and "sdk" in line


def test_one_policy_on_every_answer_is_said_once_for_the_worker(local_site, capsys):
    policy = "default-src 'self'; script-src 'self'"
    s = local_site(headers={"Content-Security-Policy": policy})
    status, lines = s.check(s.url, capsys=capsys)
    [line] = problems(lines)
    runtime = served(s.root / "heap", "heap-device-runtime.js")
    assert line == (
        "heap-device check: %s's Content-Security-Policy header (the worker's policy): "
        "script-src lacks 'wasm-unsafe-eval', so the runtime's WebAssembly cannot compile: add "
        "'wasm-unsafe-eval' to script-src" % runtime
    )


@pytest.mark.parametrize("args", [["check"], ["check", "example.com/heap"], ["check", "/heap"]])
def test_check_usage_errors(args, capsys):
    assert cli.main(args) == 2
    err = capsys.readouterr().err
    assert err.startswith("heap-device: ") and err.count("\n") == 1


def test_a_site_that_does_not_answer(tmp_path, capsys):
    quiet = server.make_server(tmp_path)  # bound, then closed: nothing listens on its port
    url = quiet.url
    quiet.server_close()
    assert cli.main(["check", url]) == 1
    lines = capsys.readouterr().out.splitlines()
    assert problems(lines)[0].startswith("heap-device check: cannot reach %s (" % url)
    assert lines[0].endswith("check the URL and that the site is up")


def test_check_says_what_to_cache_for_good_and_what_not(local_site, capsys):
    # Our server, as a site should: named by content -> immutable, anything else -> no-cache.
    s = local_site()
    assert s.check(s.url, capsys=capsys) == (0, [lines_of_sound(s)])
    # A CDN's one-day default on everything: sound, but every visit revalidates the files.
    s = local_site(headers={"Cache-Control": "public, max-age=86400"})
    status, lines = s.check(s.url, capsys=capsys)
    assert status == 0
    [note] = [line for line in lines if "note:" in line]
    count = loaded(s.root / "heap")
    assert note.startswith(
        "heap-device check: note: cache: %d file(s) named by their content are served with "
        "Cache-Control: public, max-age=86400 (such as %sheap/" % (count, s.url)
    )
    assert note.endswith(
        "serve them with Cache-Control: public, max-age=31536000, immutable (their names change "
        "with their bytes: a returning visitor then asks for none of them)"
    )
    # Everything cached for good: the manifest and the page must not be.
    s = local_site(headers={"Cache-Control": "public, max-age=31536000, immutable"})
    status, lines = s.check(s.url, capsys=capsys)
    notes = [line.split(" is served")[0] for line in lines if "note:" in line]
    assert notes == [
        "heap-device check: note: cache: %sheap/%s" % (s.url, MANIFEST),
        "heap-device check: note: cache: the page",
    ]


def test_a_stable_name_cached_is_a_problem(local_site, capsys):
    # A build from before content-addressed names: heap-device.js, cached for a day.
    s = local_site(headers={"Cache-Control": "max-age=86400"})
    entry = entry_file(s.root / "heap")
    entry.rename(entry.with_name("heap-device.js"))
    for suffix in (".br", ".gz"):
        entry.with_name(entry.name + suffix).rename(entry.with_name("heap-device.js" + suffix))
    (s.root / "heap" / MANIFEST).unlink()
    page = s.server.pages["/"].decode("utf-8").replace(entry.name, "heap-device.js")
    s.server.pages["/"] = page.encode("utf-8")
    status, lines = s.check(s.url, capsys=capsys)
    assert status == 1
    assert problems(lines)[-1] == (
        "heap-device check: cache: %sheap/heap-device.js keeps its name across builds but is "
        "served with Cache-Control: max-age=86400: a rebuild would meet returning visitors' old "
        "copy; rebuild with this heap-device (every file the tag loads is named by its content), "
        "or serve it with Cache-Control: no-cache" % s.url
    )


def test_check_says_how_each_file_came_and_what_compression_saves(local_site, capsys):
    # Our server sends the build's .br copies (the request accepts br): every file compressed.
    s = local_site()
    assert s.check(s.url, capsys=capsys)[0] == 0
    [said] = s.bytes
    count = loaded(s.root / "heap")
    assert re.fullmatch(
        BYTES + r"a cold visit downloads [\d.]+ KB \(%d files; Content-Encoding: br %d\); "
        r"uncompressed it would be [\d.]+ KB" % (count, count),
        said,
    )
    # A server that ignores the copies: sound, and a note says what it costs.
    s = local_site(precompressed=False)
    status, lines = s.check(s.url, capsys=capsys)
    assert status == 0 and "Content-Encoding: none %d)" % count in s.bytes[0]
    [note] = [line for line in lines if line.startswith(NOTE)]
    folder_files = read_manifest(s.root / "heap")["files"]
    brotli = sum((s.root / "heap" / n).stat().st_size for n in folder_files if n.endswith(".br"))
    raw = sum((s.root / "heap" / n[:-3]).stat().st_size for n in folder_files if n.endswith(".br"))
    assert note == (
        NOTE + "compression: %d file(s) came without Content-Encoding (such as %sheap/%s): sent "
        "as the build's .br copies they would be %.1f KB smaller for every cold visit: serve the "
        "precompressed files beside them (docs/website-setup.md, Compression)"
        % (
            count,
            s.url,
            served(s.root / "heap", "micropython/micropython.wasm"),
            (raw - brotli) / 1000,
        )
    )
