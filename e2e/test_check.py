"""`heap-device check URL` against what Chromium does: a page check fails runs as check says once
fixed as it says.

Everything check says that needs no browser is tested in tests/test_check_*.py (recorded answers,
and a local server for real HTTP).
"""

from e2e.conftest import SITE_FILES
from e2e.rs_pages import calls_through_marker, order_page
from heap_device.tools import cli
from heap_device.tools.policy import inline_hash

BYTES = "heap-device check: bytes: "  # what a cold visit downloads: said on every check
NOTE = "heap-device check: note: "  # costs the site something, breaks nothing


def problems(lines):
    assert lines[-1].endswith("problem(s) found")
    return [line for line in lines[:-1] if not line.startswith((BYTES, NOTE))]


# The policy docs/security.md gave before it covered RudderStack's side of the page.
OLD_DOCUMENTED_POLICY = (
    "default-src 'self'; script-src 'self' 'wasm-unsafe-eval' https://cdn.us.heap-api.com; "
    "worker-src 'self'; connect-src 'self' https://*.heap-api.com"
)


def test_a_new_users_page_fails_check_then_works_as_it_says(page, site, watch, capsys):
    """RudderStack's inline loading snippet under the old documented policy: the browser refuses
    it and nothing reaches Heap. check says so with the hash to add; with it, events flow."""
    url = order_page(site, "micropython", form="snippet")
    path = site.root / url.rsplit("/", 1)[1]
    snippet = (SITE_FILES / "rs-snippet.js").read_text(encoding="utf-8")
    html = path.read_text(encoding="utf-8")
    inline = html.replace('<script src="/rs-snippet.js"></script>', "<script>%s</script>" % snippet)
    assert inline != html
    path.write_text(inline, encoding="utf-8")
    site.add_headers({"Content-Security-Policy": OLD_DOCUMENTED_POLICY})
    assert cli.main(["check", url]) == 1
    [line] = problems(capsys.readouterr().out.splitlines())
    assert line == (
        "heap-device check: Content-Security-Policy header: script-src refuses RudderStack's "
        "inline loading snippet, so it never runs: add %s to script-src (the hash of exactly that "
        "script: change one character and it is another), or give the script a nonce the policy "
        "names" % inline_hash(snippet)
    )
    fixed = OLD_DOCUMENTED_POLICY.replace(
        "'wasm-unsafe-eval'", "'wasm-unsafe-eval' " + inline_hash(snippet)
    )
    site.add_headers({"Content-Security-Policy": fixed})
    assert cli.main(["check", url]) == 0, capsys.readouterr().out
    # The test page's own favicon (<link rel="icon" href="data:,">) is not ours to allow.
    watch.expected_errors.append(r"^Loading the image 'data:,' violates")
    # A function, not an expression: Playwright polls an expression with eval, which this
    # page's policy (no 'unsafe-eval') refuses.
    page.goto(url)
    page.wait_for_function("() => window.__rsReady === true")
    calls = calls_through_marker(page, "rudderanalytics.track('Fixed', {n: 1})")
    assert ["track", ["Fixed", {"n": 1}]] in calls
