"""check's verdicts on a page's Content-Security-Policy and tags, both ways: what a browser blocks
is named with its fix, and what a browser runs raises no alarm.

Each row serves a real build at https://shop.test/heap/ (recorded answers: tests/check_served.py)
with a page, a policy on the page (header or <meta>) and, where the row says so, one on the
worker's script; it gives the exact problem lines check must print ([] for a sound page).
"""

import pytest

from heap_device.tools.bundle import RUNTIME_SCRIPT
from heap_device.tools.output import read_manifest
from heap_device.tools.policy import inline_hash
from heap_device.tools.snippet import integrity
from tests.check_served import (
    STRICT,
    Site,
    Web,
    copy_of,
    page_with,
    problems,
    run,
    served,
    tag_of,
)

ORIGIN = "https://shop.test"
HEADER = "Content-Security-Policy header: "
SNIPPET = (
    "!function(){var e='rudderanalytics';window[e]||(window[e]=[]);"
    "var sdkBaseUrl='https://cdn.rudderlabs.com/v3';"
    "rudderanalytics.load('KEY', 'https://acme.dataplane.rudderstack.com', {});}();"
)
RS_HOSTS = "https://api.rudderstack.com https://acme.dataplane.rudderstack.com"


@pytest.fixture
def shop(tmp_path):
    folder = copy_of(STRICT, tmp_path / "heap")
    site = Site(ORIGIN, {}, {"/heap/": folder})
    site.folder = folder
    site.tag = tag_of(folder).strip()
    site.entry = read_manifest(folder)["entry"]
    site.runtime = served(folder, RUNTIME_SCRIPT)
    return site


def _check(site, page, policy=None, worker_policy=None, url=ORIGIN + "/"):
    site.pages["/"] = page
    if policy:
        site.path_headers["/"] = {"Content-Security-Policy": policy}
    if worker_policy:
        site.path_headers["/heap/" + site.runtime] = {"Content-Security-Policy": worker_policy}
    status, lines = run(Web(site), url)
    found = problems(lines)
    assert status == (1 if found else 0)
    return found


def _nonced(tag, nonce):
    return tag.replace("<script ", '<script nonce="%s" ' % nonce)


# ---------------------------------------------------------------- 'strict-dynamic'

STRICT_DYNAMIC = "script-src 'nonce-r4nd' 'strict-dynamic' 'wasm-unsafe-eval'; connect-src 'self' "


def test_strict_dynamic_blocks_a_tag_without_the_nonce_and_names_it(shop):
    page = page_with(shop.tag, head="<script nonce='r4nd'>%s</script>" % SNIPPET)
    found = _check(shop, page, STRICT_DYNAMIC + RS_HOSTS)
    sri = integrity((shop.folder / shop.entry).read_bytes())
    assert found == [
        HEADER + "script-src uses 'strict-dynamic', which ignores host sources and 'self', so it "
        f"blocks the heap-device tag ({ORIGIN}/heap/{shop.entry}): give it the nonce your server "
        "puts on the page's other scripts (nonce=\"…\", the one in the policy's 'nonce-…'), or "
        f"add '{sri}' ({shop.entry}'s hash) to script-src"
    ]
    assert "add https://" not in found[0] and "'self'" not in found[0].split("so it")[1]


def test_strict_dynamic_with_a_wrong_nonce_on_the_tag(shop):
    page = page_with(_nonced(shop.tag, "old"), head="<script nonce='r4nd'>%s</script>" % SNIPPET)
    [line] = _check(shop, page, STRICT_DYNAMIC + RS_HOSTS)
    assert "so it blocks the heap-device tag" in line
    assert "its nonce 'old' is not the policy's: give it this response's nonce" in line


@pytest.mark.parametrize("how", ["nonce", "hash"])
def test_strict_dynamic_with_the_tag_trusted_is_sound(shop, how):
    """The SDK the snippet loads, the worker the tag starts: a trusted script starts them."""
    tag = _nonced(shop.tag, "r4nd")
    policy = STRICT_DYNAMIC + RS_HOSTS
    if how == "hash":
        tag = shop.tag
        policy = policy.replace(
            "'strict-dynamic'",
            "'strict-dynamic' '%s'" % (integrity((shop.folder / shop.entry).read_bytes())),
        )
    page = page_with(tag, head="<script nonce='r4nd'>%s</script>" % SNIPPET)
    assert _check(shop, page, policy) == []


def test_strict_dynamic_blocks_an_sdk_tag_in_the_html_without_the_nonce(shop):
    sdk = '<script src="https://cdn.rudderlabs.com/v3/modern/rsa.min.js"></script>'
    page = page_with(_nonced(shop.tag, "r4nd"), sdk)
    assert _check(shop, page, STRICT_DYNAMIC + RS_HOSTS) == [
        HEADER + "script-src uses 'strict-dynamic', which ignores host sources, so it blocks "
        "RudderStack's SDK (https://cdn.rudderlabs.com/v3/modern/rsa.min.js): give its <script> "
        "the nonce the policy names"
    ]


# ---------------------------------------------------------------- whose policy binds the runtime

PAGE_ONLY = "default-src 'self'; script-src 'self'"


@pytest.mark.parametrize(
    "page_policy, worker_policy, expected",
    [
        # The worker (same origin, started by its URL) has its own policy: the page's lacks
        # nothing it needs.
        (PAGE_ONLY, None, []),
        # The same policy on the worker's script: the worker's WebAssembly cannot compile.
        (
            PAGE_ONLY,
            PAGE_ONLY,
            [
                "{runtime}'s Content-Security-Policy header (the worker's policy): script-src "
                "lacks 'wasm-unsafe-eval', so the runtime's WebAssembly cannot compile: add "
                "'wasm-unsafe-eval' to script-src"
            ],
        ),
        # No worker: Python runs on the page, under the page's policy.
        (
            PAGE_ONLY + "; worker-src 'none'",
            PAGE_ONLY,
            [
                HEADER + "worker-src does not allow the worker ({origin}/heap/{runtime}): add "
                "'self' to worker-src (or Python runs on the page's main thread, under the page's "
                "policy)",
                HEADER + "script-src lacks 'wasm-unsafe-eval', so the runtime's WebAssembly "
                "cannot compile: add 'wasm-unsafe-eval' to script-src",
            ],
        ),
        ("default-src 'self'; script-src 'self' 'wasm-unsafe-eval'", None, []),
        (
            "default-src 'none'; script-src 'self'",
            None,
            [],  # connect-src binds the worker's fetches, by the worker's policy: it has none
        ),
        (
            "script-src https://cdn.example.com 'wasm-unsafe-eval'",
            None,
            [
                HEADER + "script-src does not allow {origin}/heap/{entry}: add {origin} (or "
                "'self' when the bundle is on the page's origin) to script-src",
                HEADER + "script-src does not allow the worker ({origin}/heap/{runtime}): add "
                "'self' to worker-src (or Python runs on the page's main thread, under the page's "
                "policy)",
            ],
        ),
    ],
)
def test_whose_policy_binds_the_runtime(shop, page_policy, worker_policy, expected):
    found = _check(shop, page_with(shop.tag), page_policy, worker_policy)
    names = {"origin": ORIGIN, "runtime": shop.runtime, "entry": shop.entry}
    assert found == [line.format(**names) for line in expected]


def test_pyscript_runs_under_the_pages_policy(tmp_path):
    folder = copy_of("pyscript", tmp_path / "heap")
    site = Site(ORIGIN, {}, {"/heap/": folder})
    found = _check(site, page_with(tag_of(folder)), "default-src 'self'; script-src 'self'")
    assert found == [
        HEADER + "script-src lacks 'wasm-unsafe-eval', so the runtime's WebAssembly cannot "
        "compile: add 'wasm-unsafe-eval' to script-src",
        HEADER + "script-src lacks 'unsafe-eval', which PyScript needs to start: add it, or "
        f"build with --boot {STRICT} (MicroPython without PyScript needs no eval)",
    ]


# ---------------------------------------------------------------- <meta>, redirects, tags, http:

META = '<meta http-equiv="Content-Security-Policy" content="script-src \'none\'">'


def test_a_meta_policy_counts_in_the_head_only(shop):
    """Browsers ignore a <meta> policy in the body."""
    in_head = _check(shop, page_with(shop.tag, head=META))
    assert in_head == [
        f"<meta> Content-Security-Policy: script-src does not allow {ORIGIN}/heap/{shop.entry}: "
        f"add {ORIGIN} (or 'self' when the bundle is on the page's origin) to script-src",
        f"<meta> Content-Security-Policy: script-src does not allow the worker ({ORIGIN}/heap/"
        f"{shop.runtime}): add 'self' to worker-src (or Python runs on the page's main thread, "
        "under the page's policy)",
        "<meta> Content-Security-Policy: script-src lacks 'wasm-unsafe-eval', so the runtime's "
        "WebAssembly cannot compile: add 'wasm-unsafe-eval' to script-src",
    ]
    assert _check(shop, page_with(shop.tag, body="<p>shop</p>" + META)) == []
    assert _check(shop, "<!doctype html><title>x</title><p>shop</p>%s%s" % (shop.tag, META)) == []


def test_a_page_reached_through_a_redirect(shop, tmp_path):
    """The tag's relative src is resolved against the page's final URL, as browsers do."""
    www = Site("https://www.shop.test", {"/": page_with(shop.tag)}, {"/heap/": shop.folder})
    shop.redirects["/"] = "https://www.shop.test/"
    web = Web(shop, www)
    status, lines = run(web, ORIGIN + "/")
    assert (status, problems(lines)) == (0, [])
    count = len([n for n in read_manifest(shop.folder)["files"] if n.endswith((".js", ".wasm"))])
    assert lines[-1] == "heap-device check: sound: %d files served right from %s/heap/" % (
        count,
        "https://www.shop.test",
    )


def test_two_tags_of_different_builds(shop, tmp_path):
    other = copy_of("pyscript", tmp_path / "other")
    shop.folders["/other/"] = other
    second = tag_of(other).replace('src="/heap/', 'src="/other/')
    entry, other_entry = shop.entry, read_manifest(other)["entry"]
    found = _check(shop, page_with(shop.tag, second))
    assert found == [
        f"two tags: the page holds heap-device tags of 2 builds ({ORIGIN}/heap/{entry}, "
        f"{ORIGIN}/other/{other_entry}): only the first runs ({ORIGIN}/heap/{entry}), the others "
        "do nothing: keep one tag, the one heap-device build printed for the build you uploaded "
        "last"
    ]
    assert _check(shop, page_with(shop.tag, shop.tag)) == []  # the same build twice: harmless


def test_an_http_page_says_nothing_is_verified(shop):
    site = Site("http://shop.test", {"/": page_with(shop.tag)}, {"/heap/": shop.folder})
    status, lines = run(Web(site), "http://shop.test/")
    assert problems(lines) == [
        "http: the page http://shop.test/ is not served over https: browsers offer no "
        "SubtleCrypto there, so no file of the build is verified before it runs, and anyone on "
        "the way can change the files, or the page: serve the site and the bundle over https:"
    ]
    local = Site("http://127.0.0.1:8000", {"/": page_with(shop.tag)}, {"/heap/": shop.folder})
    assert run(Web(local), "http://127.0.0.1:8000/")[0] == 0  # a secure context


def test_an_https_page_cannot_load_an_http_bundle(shop):
    cdn = Site("http://cdn.shop.test", {}, {"/heap/": shop.folder})
    cdn.headers["Access-Control-Allow-Origin"] = "*"
    tag = shop.tag.replace('src="/heap/', 'src="http://cdn.shop.test/heap/')
    found = _check(shop, page_with(tag))
    assert (
        "mixed content: the https: page loads the bundle from http://cdn.shop.test/heap/ "
        "over http:, which browsers block: serve the bundle over https:" in found[0]
    )


# ---------------------------------------------------------------- a bundle on another origin


def test_a_bundle_on_another_origin(shop):
    cdn_origin = "https://cdn.test"
    cdn = Site(cdn_origin, {}, {"/heap/": shop.folder})
    tag = shop.tag.replace('src="/heap/', 'src="%s/heap/' % cdn_origin)
    shop.pages["/"] = page_with(tag)
    shop.headers["Content-Security-Policy"] = (
        "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'"
    )
    status, lines = run(Web(shop, cdn), ORIGIN + "/")
    found = problems(lines)
    cors = [line for line in found if line.startswith("cross-origin")]
    count = len([n for n in read_manifest(shop.folder)["files"] if n.endswith((".js", ".wasm"))])
    assert len(cors) == count and cors[0].endswith(
        f"send Access-Control-Allow-Origin: {ORIGIN} (or *) with the bundle's files"
    )
    assert [line for line in found if not line.startswith("cross-origin")] == [
        HEADER + f"script-src does not allow {cdn_origin}/heap/{shop.entry}: add {cdn_origin} "
        "(or 'self' when the bundle is on the page's origin) to script-src",
        HEADER + f"script-src does not allow the worker (blob:{ORIGIN}/): add blob: to "
        "worker-src (or Python runs on the page's main thread, under the page's policy)",
        HEADER + f"default-src does not allow {cdn_origin}/heap/ (the .py and .wasm files are "
        f"fetched): add {cdn_origin} (or 'self' when the bundle is on the page's origin) to "
        "default-src",
    ]
    # Fixed as the lines say: sound.
    cdn.headers["Access-Control-Allow-Origin"] = ORIGIN
    shop.headers["Content-Security-Policy"] = (
        f"default-src 'self' {cdn_origin}; script-src 'self' {cdn_origin} 'wasm-unsafe-eval'; "
        "worker-src blob:"
    )
    assert run(Web(shop, cdn), ORIGIN + "/")[0] == 0


# ---------------------------------------------------------------- the page's own scripts


def test_the_snippet_refused_gets_its_hash(shop):
    page = page_with(shop.tag, head="<script>%s</script>" % SNIPPET)
    policy = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; connect-src 'self' "
    found = _check(shop, page, policy + RS_HOSTS)
    assert found == [
        HEADER + "script-src refuses RudderStack's inline loading snippet, so it never runs: "
        f"add {inline_hash(SNIPPET)} to script-src (the hash of exactly that script: change one "
        "character and it is another), or give the script a nonce the policy names",
        HEADER + "script-src does not allow RudderStack's SDK (https://cdn.rudderlabs.com/v3/): "
        "add https://cdn.rudderlabs.com to script-src",
    ]
    fixed = policy.replace(
        "'wasm-unsafe-eval'",
        "'wasm-unsafe-eval' %s https://cdn.rudderlabs.com" % inline_hash(SNIPPET),
    )
    assert _check(shop, page, fixed + RS_HOSTS) == []
