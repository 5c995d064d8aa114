"""The page's own errors stay the page's (issue 22 item 4).

A page script right after our tag rejects a promise that mentions WebAssembly before Python runs,
and compiles a WebAssembly module of its own under a page policy without 'wasm-unsafe-eval' (the
worker has its own policy: Python runs). Neither is ours: heap-device says nothing, the page's
rejection reaches the page (and its own listeners) untouched, and Heap gets the events.
"""

from e2e.test_browser import DEST, heap_calls, open_page, settle_console
from e2e.test_hardening import NO_WASM_CSP, ours

PAGE_OWN_ERRORS = """
window.__pageSaw = [];
window.addEventListener('unhandledrejection', function (e) {
  window.__pageSaw.push(['rejection', e.reason && e.reason.message, e.defaultPrevented]);
});
document.addEventListener('securitypolicyviolation', function (e) {
  window.__pageSaw.push(['policy', e.blockedURI]);
});
Promise.reject(new Error('WebAssembly.instantiate(): the page module failed'));
WebAssembly.compile(new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0])).then(
  function () { window.__pageSaw.push(['compiled']); },
  function (e) { window.__pageSaw.push(['refused', e.name]); });
"""


def test_the_pages_own_rejection_and_wasm_eval_are_not_ours(page, site, watch):
    (site.root / "page-own-errors.js").write_text(PAGE_OWN_ERRORS, encoding="utf-8")
    tag = site.snippet("micropython") + '<script src="/page-own-errors.js"></script>\n'
    # Chromium logs the page's refused compile
    watch.expected_errors.append(r"Content Security Policy")
    open_page(page, site.page("micropython", DEST, head=NO_WASM_CSP, tag=tag))
    page.wait_for_function("() => window.__pageSaw.length >= 3")
    page.wait_for_function("() => window.Heap_RS.running === true")
    settle_console(page)
    assert ours(watch, "error") == []
    saw = sorted(page.evaluate("window.__pageSaw"))
    assert saw == [
        ["policy", "wasm-eval"],
        ["refused", "CompileError"],
        ["rejection", "WebAssembly.instantiate(): the page module failed", False],
    ]
    calls = heap_calls(page, "() => rudderanalytics.track('After The Page Failed', {n: 1})")
    assert calls == [["track", ["After The Page Failed", {"n": 1}]]]
    # The page's rejection reached the page as the browser reports it: it was not swallowed.
    assert watch.page_errors == ["WebAssembly.instantiate(): the page module failed"]
    watch.page_errors.clear()
