"""Python on the page runs only the runtime module the build wrote (issue 22 item 5).

Where no worker can start (here: a policy with ``worker-src 'none'``), the page runs the runtime
module itself. The browser checks it (a module script with the build's ``integrity``), and
``import()`` then takes the module that script ran from the document's module map: a server that
answers a second request for the same URL with other bytes gets no second request.
"""

from e2e.conftest import wait_until
from e2e.test_browser import DEST, heap_calls, open_page, settle_console
from e2e.test_hardening import ours
from e2e.test_worker import EXPECTED, POLICY, RUNS, csp_everywhere

RUNTIME = "**/heap-device-runtime.*.js"
UNVERIFIED = b"globalThis.__unverifiedRan = (globalThis.__unverifiedRan || 0) + 1;\n"


def serve_runtime(page, answers):
    """Answer the runtime module's requests: the n-th gets answers(n, the real bytes)."""
    asked = []

    def route(r):
        real = r.fetch().body()
        asked.append(r.request.url)
        r.fulfill(status=200, content_type="text/javascript", body=answers(len(asked), real))

    page.route(RUNTIME, route)
    return asked


def on_the_page(site, watch):
    csp_everywhere(site, watch, POLICY.replace("worker-src 'self'", "worker-src 'none'"))
    watch.expected_errors.append(r"Content Security Policy")  # Chromium's line for the worker


def test_a_second_answer_with_other_bytes_never_runs(page, site, watch):
    on_the_page(site, watch)
    asked = serve_runtime(page, lambda n, real: real if n == 1 else UNVERIFIED + real)
    open_page(page, site.page("micropython", DEST))
    assert heap_calls(page, RUNS) == EXPECTED
    assert page.evaluate("window.__unverifiedRan || 0") == 0
    assert len(asked) == 1, asked  # the module map had it: import() asked for nothing


def test_a_changed_runtime_module_is_refused_in_the_refusals_words(page, site, watch):
    on_the_page(site, watch)
    asked = serve_runtime(page, lambda n, real: UNVERIFIED + real)
    watch.expected_errors += [
        r"^heap-device: .*heap-device-runtime\.\w+\.js is not the file this build wrote",
        r"integrity",  # Chromium's own line for the refused script
    ]
    open_page(page, site.page("micropython", DEST))
    page.wait_for_function("() => !window.Heap_RS.running && window.__rsReady")
    wait_until(page, lambda: ours(watch, "error"), lambda: watch.console)
    settle_console(page)
    [error] = ours(watch, "error")
    assert asked[0] in error and "is not the file this build wrote (sha384 sha384-" in error
    assert "Fix: upload the whole folder" in error
    assert page.evaluate("window.__unverifiedRan || 0") == 0
    assert watch.heap_requests == []
