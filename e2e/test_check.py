"""`heap-device check URL`: a local site served right passes; served wrong in each way, it says how.

Each case serves real builds with the one local server (tools/server.py), configured wrong on
purpose (a missing file, MIME types, headers, a stale tag), and reads check's one line per problem.
"""

import json
import re
import shutil

import pytest

from e2e import served as server
from heap_device.tools import check, cli
from heap_device.tools.bundle import BOOTS, logical_name
from heap_device.tools.output import MANIFEST, entry_file
from heap_device.tools.snippet import integrity, snippet_from

# The build without PyScript (no 'unsafe-eval'), whatever it is called.
STRICT = next(b for b in BOOTS if b != "pyscript")
GOOD_CSP = {
    "pyscript": "default-src 'self'; script-src 'self' 'wasm-unsafe-eval' 'unsafe-eval'",
    STRICT: "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; object-src 'none'",
}


@pytest.fixture(scope="module")
def builds(tmp_path_factory):
    """Two builds (PyScript, and without it), each with the tag build printed for /heap."""
    root = tmp_path_factory.mktemp("builds")
    for boot in ("pyscript", STRICT):
        args = ["build", "--out", str(root / boot), "--base-url", "/heap", "--boot", boot]
        assert cli.main(args) == 0
    return root


class Site:
    """A site: /heap/ holds a build, / is a page with a tag; served by our one local server."""

    def __init__(self, root, builds, boot="pyscript", tag=None, **options):
        shutil.copytree(builds / boot, root / "heap")
        self.root = root
        self.tag = tag or (root / "heap" / "heap-device.tag.html").read_text(encoding="utf-8")
        page = "<!doctype html><html><head>%s</head><body>shop</body></html>" % self.tag
        self.server = server.start(root, pages={"/": page.encode("utf-8")}, **options)
        self.url = self.server.url

    def check(self, *args, capsys):
        status = cli.main(["check", *args])
        out = capsys.readouterr()
        assert out.err == ""
        return status, out.out.splitlines()


@pytest.fixture
def local_site(tmp_path, builds):
    """Makes Sites (not conftest's shared ``site``: each case here serves its own, set wrong)."""
    made = []

    def make(**options):
        made.append(Site(tmp_path / ("site%d" % len(made)), builds, **options))
        return made[-1]

    yield make
    for one in made:
        server.stop(one.server)


def served(folder, logical):
    """The name the build in ``folder`` serves a file under (named by content) ."""
    names = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))["files"]
    [name] = [n for n in names if logical_name(n) == logical]
    return name


def problems(lines):
    assert lines[-1].endswith("problem(s) found")
    return lines[:-1]


@pytest.mark.parametrize("boot", ["pyscript", STRICT])
def test_a_sound_deploy_passes(local_site, capsys, boot):
    s = local_site(boot=boot, headers={"Content-Security-Policy": GOOD_CSP[boot]})
    status, lines = s.check(s.url, capsys=capsys)
    assert lines == [
        "heap-device check: sound: %s files served right from %sheap/"
        % (
            len(json.loads((s.root / "heap" / "heap-device.files.json").read_text())["files"]) - 1,
            s.url,
        )
    ]
    assert status == 0
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
        "folder (heap-device.files.json lists them)" % (s.url, wasm)
    ]


def test_without_the_manifest_the_adapter_names_the_files(local_site, capsys):
    s = local_site()
    calls = served(s.root / "heap", "heap_device/core/calls.py")
    (s.root / "heap" / "heap-device.files.json").unlink()
    (s.root / "heap" / calls).unlink()
    status, lines = s.check(s.url, capsys=capsys)
    assert status == 1 and len(problems(lines)) == 1
    assert "missing: %sheap/%s answered 404" % (s.url, calls) in lines[0]


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
    "suffix, served, words",
    [
        (".wasm", "application/octet-stream", "serve .wasm files as application/wasm"),
        (".mjs", "application/octet-stream", "serve .js and .mjs files as text/javascript"),
        (".js", "text/plain", "serve .js"),
    ],
)
def test_wrong_mime_types(local_site, capsys, suffix, served, words):
    s = local_site(types={suffix: served})
    status, lines = s.check(s.url, capsys=capsys)
    assert status == 1
    found = problems(lines)
    assert found and all(("served as %s" % served) in line and words in line for line in found)
    # heap-device.js is a classic script: only the modules are "modules".
    entry = [line for line in found if "/heap-device.js is served" in line]
    assert all("modules" not in line and "nosniff" in line for line in entry)


def test_a_stale_tag_names_the_build_uploaded_last(local_site, builds, capsys):
    # The page carries the tag of the PyScript build; only the other build was uploaded since.
    stale = (builds / "pyscript" / "heap-device.tag.html").read_text(encoding="utf-8")
    s = local_site(boot=STRICT, tag=stale)
    status, lines = s.check(s.url, capsys=capsys)
    assert status == 1
    [line] = problems(lines)
    old, new = entry_file(builds / "pyscript").name, entry_file(s.root / "heap").name
    assert line == (
        "heap-device check: stale tag: the page's tag loads %sheap/%s, which answered 404; the "
        "build uploaded last is %s: put its tag in the page (heap-device snippet --from DIR "
        "--base-url /heap)" % (s.url, old, new)
    )


def test_the_build_before_is_kept_but_its_tag_is_stale(local_site, builds, capsys):
    # Both builds uploaded into one folder, as a rebuild leaves it: the older tag still loads.
    stale = (builds / "pyscript" / "heap-device.tag.html").read_text(encoding="utf-8")
    s = local_site(boot="pyscript", tag=stale)
    status = cli.main(["build", "--out", str(s.root / "heap"), "--boot", STRICT])
    assert status == 0
    capsys.readouterr()
    status, lines = s.check(s.url, capsys=capsys)
    assert status == 1
    [line] = problems(lines)
    assert line.startswith(
        "heap-device check: stale tag: the page's tag loads %s, but"
        % (entry_file(builds / "pyscript").name)
    )


def test_an_edited_tag_is_an_sri_mismatch(local_site, builds, capsys):
    good = (builds / STRICT / "heap-device.tag.html").read_text(encoding="utf-8")
    wrong = integrity(b"another build")
    s = local_site(boot=STRICT, tag=re.sub(r'integrity="[^"]*"', 'integrity="%s"' % wrong, good))
    status, lines = s.check(s.url, capsys=capsys)
    served = integrity(entry_file(s.root / "heap").read_bytes())
    assert status == 1
    [line] = problems(lines)
    assert line.startswith("heap-device check: SRI mismatch: the page's tag's integrity sha384-")
    assert "(%s)" % served in line
    # The fix names the base URL the build was given (/heap), not the absolute one check used.
    assert line.endswith("(heap-device snippet --from DIR --base-url /heap)")
    # The same given as --integrity, or as a tag file.
    assert s.check(s.url + "heap", "--integrity", wrong, capsys=capsys)[0] == 1
    tag_file = s.root / "old-tag.html"
    tag_file.write_text(re.sub(r'integrity="[^"]*"', 'integrity="%s"' % wrong, good), "utf-8")
    status, lines = s.check(s.url + "heap", "--tag", str(tag_file), capsys=capsys)
    assert status == 1 and "SRI mismatch: the --tag's integrity" in lines[0]


def test_bad_options_in_the_page_tag(local_site, builds, capsys):
    good = (builds / "pyscript" / "heap-device.tag.html").read_text(encoding="utf-8")
    s = local_site(
        tag=good.replace("></script>", ' data-options="{&#34;sdk&#34;:&#34;v4&#34;}"></script>')
    )
    status, lines = s.check(s.url, capsys=capsys)
    assert status == 1
    [line] = problems(lines)
    assert line.startswith("heap-device check: the page's tag's data-options: ") and "sdk" in line


@pytest.mark.parametrize(
    "boot, policy, words",
    [
        (
            "pyscript",
            "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'",
            "script-src lacks 'unsafe-eval', which PyScript needs to start: add it, or build "
            "with --boot %s" % STRICT,
        ),
        (
            STRICT,
            "default-src 'self'; script-src 'self'",
            "script-src lacks 'wasm-unsafe-eval', so the runtime's WebAssembly cannot compile",
        ),
        (
            STRICT,
            "default-src 'self' 'wasm-unsafe-eval'; connect-src https://api.example.com",
            "connect-src does not allow",
        ),
        (
            STRICT,
            "script-src https://cdn.example.com 'wasm-unsafe-eval'",
            "script-src does not allow",
        ),
        (
            STRICT,
            "default-src 'none'; script-src 'self' 'wasm-unsafe-eval'",
            "default-src does not allow",
        ),
        (
            STRICT,
            "script-src 'strict-dynamic' 'wasm-unsafe-eval'",
            "uses 'strict-dynamic', which ignores host sources: add 'sha384-",
        ),
    ],
)
def test_a_csp_that_would_block_the_runtime(local_site, capsys, boot, policy, words):
    s = local_site(boot=boot, headers={"Content-Security-Policy": policy})
    status, lines = s.check(s.url, capsys=capsys)
    assert status == 1
    found = problems(lines)
    assert all(x.startswith("heap-device check: Content-Security-Policy header: ") for x in found)
    assert words in found[0]
    # A second line only where the gap also stops the worker (worker-src falls back to script-src).
    assert all("the worker" in x for x in found[1:]) and len(found) <= 2


def test_a_csp_in_a_meta_tag_counts_too(local_site, builds, capsys):
    good = (builds / STRICT / "heap-device.tag.html").read_text(encoding="utf-8")
    meta = '<meta http-equiv="Content-Security-Policy" content="script-src \'self\'">'
    s = local_site(boot=STRICT, tag=meta + good)
    status, lines = s.check(s.url, capsys=capsys)
    assert status == 1
    assert "<meta> Content-Security-Policy: script-src lacks 'wasm-unsafe-eval'" in lines[0]


def test_a_bundle_on_another_origin_needs_cors(tmp_path, builds, capsys):
    """The page on one origin, the bundle on another: each file needs Access-Control-Allow-Origin,
    and the page's CSP must name the bundle's origin."""
    bundle_root = tmp_path / "cdn"
    shutil.copytree(builds / STRICT, bundle_root / "heap")
    cdn = server.start(bundle_root)
    shop = None
    try:
        tag = (bundle_root / "heap" / "heap-device.tag.html").read_text(encoding="utf-8")
        tag = tag.replace('src="/heap/', 'src="%s/heap/' % cdn.origin)
        page = ("<!doctype html><head>%s</head>" % tag).encode("utf-8")
        policy = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'"
        shop = server.start(
            tmp_path, pages={"/": page}, headers={"Content-Security-Policy": policy}
        )
        status = cli.main(["check", shop.url])
        lines = capsys.readouterr().out.splitlines()
        assert status == 1
        found = problems(lines)
        cors = [line for line in found if "cross-origin" in line]
        assert (
            len(cors)
            == len(
                json.loads((bundle_root / "heap" / "heap-device.files.json").read_text())["files"]
            )
            - 1
        )
        assert "send Access-Control-Allow-Origin: %s (or *)" % shop.origin in cors[0]
        assert [line for line in found if "cross-origin" not in line] == [
            "heap-device check: Content-Security-Policy header: script-src does not allow "
            "%s/heap/%s: add %s (or 'self' when the bundle is on the page's "
            "origin) to script-src"
            % (cdn.origin, entry_file(bundle_root / "heap").name, cdn.origin),
            "heap-device check: Content-Security-Policy header: default-src does not allow "
            "%s/heap/ (the .py and .wasm files are fetched): add %s (or 'self' when the bundle "
            "is on the page's origin) to default-src" % (cdn.origin, cdn.origin),
        ] + (
            [  # a worker from another origin starts from a blob: URL
                "heap-device check: Content-Security-Policy header: script-src does not allow "
                "the worker (blob:%s/): add blob: to worker-src (or the build runs on the main "
                "thread)" % shop.origin
            ]
            if STRICT == "worker"
            else []
        )
        # Fixed as the lines say: sound.
        cdn.headers["Access-Control-Allow-Origin"] = shop.origin
        shop.headers["Content-Security-Policy"] = (
            "default-src 'self' %s; script-src 'self' %s 'wasm-unsafe-eval'; worker-src blob:"
            % ((cdn.origin,) * 2)
        )
        assert cli.main(["check", shop.url]) == 0, capsys.readouterr().out
    finally:
        server.stop(cdn)
        if shop is not None:
            server.stop(shop)


@pytest.mark.parametrize(
    "source, url, allowed",
    [
        ("'self'", "http://a.test:8000/x.js", True),
        ("'self'", "http://a.test:8001/x.js", False),
        ("'self'", "https://a.test/x.js", True),  # http page: upgraded to https
        ("*", "https://b.test/x.js", True),
        ("*", "data:text/javascript,1", False),
        ("https:", "https://b.test/x.js", True),
        ("https:", "http://b.test/x.js", False),
        ("b.test", "http://b.test/x.js", True),
        ("b.test", "http://b.test:8000/x.js", False),
        ("b.test:*", "http://b.test:8000/x.js", True),
        ("*.b.test", "https://cdn.b.test/x.js", True),
        ("*.b.test", "https://b.test/x.js", False),
        ("https://b.test/heap/", "https://b.test/heap/x.js", True),
        ("https://b.test/heap/", "https://b.test/other/x.js", False),
        ("https://b.test/heap/x.js", "https://b.test/heap/x.js", True),
        ("'unsafe-eval'", "https://b.test/x.js", False),
    ],
)
def test_csp_source_matching(source, url, allowed):
    assert check.source_allows(source, url, "http://a.test:8000") is allowed


@pytest.mark.parametrize("args", [["check"], ["check", "example.com/heap"], ["check", "/heap"]])
def test_check_usage_errors(args, capsys):
    assert cli.main(args) == 2
    err = capsys.readouterr().err
    assert err.startswith("heap-device: ") and err.count("\n") == 1


@pytest.mark.parametrize(
    "policy, bundle, problem",
    [
        ("script-src 'self' 'wasm-unsafe-eval'", "http://a.test:8000/heap", None),
        (
            "script-src 'self' 'wasm-unsafe-eval'; worker-src 'none'",
            "http://a.test:8000/heap",
            "worker-src does not allow the worker "
            "(http://a.test:8000/heap/heap-device-runtime.js): add 'self' to worker-src "
            "(or the build runs on the main thread)",
        ),
        (
            "default-src 'self' https://cdn.test 'wasm-unsafe-eval'",
            "https://cdn.test/heap",
            "default-src does not allow the worker (blob:http://a.test:8000/): add blob: to "
            "worker-src (or the build runs on the main thread)",
        ),
        (
            "default-src 'self' https://cdn.test 'wasm-unsafe-eval'; worker-src blob:",
            "https://cdn.test/heap",
            None,
        ),
    ],
)
def test_a_worker_build_needs_worker_src(policy, bundle, problem):
    """The worker build (no 'unsafe-eval'): its worker comes from the page's origin, or from a
    blob: URL when the bundle is elsewhere; worker-src (or its fallbacks) must allow that."""
    found = []
    build = {"runtime": "micropython", "boot": "worker"}
    check.check_policy(policy, "CSP", build, bundle, "http://a.test:8000", "sha384-x", found.append)
    assert found == ([] if problem is None else ["CSP: " + problem])


def test_a_site_that_does_not_answer(tmp_path, capsys):
    quiet = server.make_server(tmp_path)  # bound, then closed: nothing listens on its port
    url = quiet.url
    quiet.server_close()
    assert cli.main(["check", url]) == 1
    lines = capsys.readouterr().out.splitlines()
    assert problems(lines)[0].startswith("heap-device check: cannot reach %s (" % url)
    assert lines[0].endswith("check the URL and that the site is up")


def worker_build(builds, folder):
    """The build without PyScript (a worker build) in ``folder``; its tag for /heap."""
    shutil.copytree(builds / STRICT, folder)
    return snippet_from(folder, "/heap")


@pytest.mark.parametrize(
    "policy, expected",
    [
        ("default-src 'self'; script-src 'self' 'wasm-unsafe-eval'", []),
        (
            "default-src 'self'; script-src 'self'",
            [
                "Content-Security-Policy header: script-src lacks 'wasm-unsafe-eval'",
                "heap-device-runtime.js's Content-Security-Policy header (the worker's policy): "
                "script-src lacks 'wasm-unsafe-eval'",
            ],
        ),
        (  # worker-src binds the page that starts the worker, not the worker itself
            "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; worker-src 'none'",
            ["Content-Security-Policy header: worker-src does not allow the worker"],
        ),
    ],
)
def test_a_worker_takes_the_policy_of_its_own_script(tmp_path, builds, capsys, policy, expected):
    tag = worker_build(builds, tmp_path / "heap")
    page = ("<!doctype html><head>%s</head>" % tag).encode("utf-8")
    # The page and the worker's script each with the policy, spelled apart (identical policies
    # are reported once); every other file with none.
    csp = {
        "/": {"Content-Security-Policy": policy},
        "/heap/" + served(tmp_path / "heap", check.RUNTIME_SCRIPT): {
            "Content-Security-Policy": policy.replace("; ", ";")
        },
    }
    site = server.start(tmp_path, pages={"/": page}, path_headers=csp)
    try:
        status = cli.main(["check", site.url])
        lines = capsys.readouterr().out.splitlines()
    finally:
        server.stop(site)
    assert status == (1 if expected else 0), lines
    found = problems(lines) if expected else []
    assert len(found) == len(expected)
    for line, start in zip(found, expected, strict=True):
        assert line.startswith("heap-device check: " + start), line


def test_one_policy_on_every_answer_is_reported_once(tmp_path, builds, capsys):
    tag = worker_build(builds, tmp_path / "heap")
    page = ("<!doctype html><head>%s</head>" % tag).encode("utf-8")
    policy = "default-src 'self'; script-src 'self'"
    site = server.start(tmp_path, pages={"/": page}, headers={"Content-Security-Policy": policy})
    try:
        assert cli.main(["check", site.url]) == 1
    finally:
        server.stop(site)
    [line] = problems(capsys.readouterr().out.splitlines())
    assert "Content-Security-Policy header: script-src lacks 'wasm-unsafe-eval'" in line


def test_check_says_what_to_cache_for_good_and_what_not(local_site, capsys):
    # Our server, as a site should: named by content -> immutable, anything else -> no-cache.
    s = local_site(boot=STRICT)
    assert s.check(s.url, capsys=capsys) == (0, [lines_of_sound(s)])
    # A CDN's one-day default on everything: sound, but every visit revalidates the files.
    s = local_site(boot=STRICT, headers={"Cache-Control": "public, max-age=86400"})
    status, lines = s.check(s.url, capsys=capsys)
    assert status == 0
    [note] = [line for line in lines if "note:" in line]
    count = len(json.loads((s.root / "heap" / MANIFEST).read_text())["files"]) - 1
    assert note.startswith(
        "heap-device check: note: cache: %d file(s) named by their content are served with "
        "Cache-Control: public, max-age=86400 (such as %sheap/" % (count, s.url)
    )
    assert note.endswith(
        "serve them with Cache-Control: public, max-age=31536000, immutable (their names change "
        "with their bytes: a returning visitor then asks for none of them)"
    )
    # Everything cached for good: the manifest and the page must not be.
    s = local_site(boot=STRICT, headers={"Cache-Control": "public, max-age=31536000, immutable"})
    status, lines = s.check(s.url, capsys=capsys)
    notes = [line.split(" is served")[0] for line in lines if "note:" in line]
    assert notes == [
        "heap-device check: note: cache: %sheap/%s" % (s.url, MANIFEST),
        "heap-device check: note: cache: the page",
    ]


def test_a_stable_name_cached_is_a_problem(local_site, capsys):
    # A build from before content-addressed names: heap-device.js, cached for a day.
    s = local_site(boot=STRICT, headers={"Cache-Control": "max-age=86400"})
    entry = entry_file(s.root / "heap")
    entry.rename(entry.with_name("heap-device.js"))
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


def lines_of_sound(s):
    count = len(json.loads((s.root / "heap" / MANIFEST).read_text())["files"]) - 1
    return "heap-device check: sound: %d files served right from %sheap/" % (count, s.url)
