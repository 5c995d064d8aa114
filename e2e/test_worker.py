"""The default build runs Python in a dedicated Web Worker; where no worker can start, on the page.

Real headers here: the Content-Security-Policy is sent by the server on every response (the page,
the worker's script, the interpreter), as a site's server would, since a worker takes its policy
from its own response, not from the page. The second origin is another local port, as a CDN.
"""

import pytest

from e2e.conftest import wait_until
from e2e.test_browser import DEST, V5_URL, heap_calls, open_page, our_errors, settle_console
from heap_device.tools.bundle import RUNTIME_SCRIPT, logical_name
from heap_device.tools.output import entry_file

# The policy docs/security.md gives for the default build (the bundle on the page's origin).
POLICY = (
    "default-src 'self'; script-src 'self' 'wasm-unsafe-eval' https://cdn.us.heap-api.com; "
    "worker-src 'self'; connect-src 'self' https://*.heap-api.com; object-src 'none'"
)
# Python in the page's performance timeline means it ran on the page, not in a worker.
ON_PAGE = (
    "performance.getEntriesByType('resource').map(e => e.name)"
    ".filter(n => /micropython\\.wasm|pyodide\\.asm\\.wasm|heap_device\\//.test(n))"
)
FALLBACK = "heap-device: Python runs on the page, not in a Web Worker"
RUNS = """() => {
    rudderanalytics.identify('u-w', {plan: 'pro'});
    rudderanalytics.track('In Order', {n: 1});
    rudderanalytics.reset();
    rudderanalytics.track('After Reset');
}"""
EXPECTED = [
    ["identify", ["u-w"]],
    ["addUserProperties", [{"plan": "pro"}]],
    ["track", ["In Order", {"n": 1}]],
    ["resetIdentity", []],
    ["track", ["After Reset", {}]],
]


def infos(page, watch):
    """heap-device's info lines, once every line the page logged so far has arrived."""
    settle_console(page)
    return [t for k, t in watch.console if t.startswith("heap-device:") and k == "info"]


def cross_origin_tag(origin, site, bundle="micropython"):
    # The adapter from the other origin: the snippet's tag, with that origin as its base URL.
    return '<script src="%s/%s/%s" crossorigin="anonymous"></script>\n' % (
        origin,
        bundle,
        entry_file(site.root / bundle).name,
    )


def csp_everywhere(site, watch, policy):
    site.add_headers({"Content-Security-Policy": policy})
    # The test page's own favicon (<link rel="icon" href="data:,">) is not ours to allow.
    watch.expected_errors.append(r"^Loading the image 'data:,' violates")


@pytest.mark.parametrize("bundle", ["micropython", "pyodide"])
def test_python_runs_in_a_worker_and_the_page_only_applies(page, site, watch, bundle):
    open_page(page, site.page(bundle, DEST, early=50))
    page.wait_for_function("() => (window.__heapCalls || []).length >= 50")
    assert heap_calls(page, RUNS) == EXPECTED
    [worker] = [w.url.rsplit("/", 1) for w in page.workers]
    assert worker[0] == site.origin + "/" + bundle and logical_name(worker[1]) == RUNTIME_SCRIPT
    assert page.evaluate(ON_PAGE) == []  # no interpreter, no module was fetched by the page
    assert infos(page, watch) == []
    early = page.evaluate("window.__heapCalls")[:50]
    assert early == [["track", ["early %d" % i, {"i": i}]] for i in range(50)]


@pytest.mark.parametrize(
    "policy",
    [POLICY, POLICY.replace("worker-src 'self'; ", "")],
    ids=["documented", "without-worker-src"],  # worker-src falls back to script-src
)
def test_runs_in_a_worker_under_the_documented_csp_sent_as_a_header(page, site, watch, policy):
    csp_everywhere(site, watch, policy)
    open_page(page, site.page("micropython", DEST))
    assert heap_calls(page, RUNS) == EXPECTED
    assert len(page.workers) == 1 and page.evaluate(ON_PAGE) == []
    assert infos(page, watch) == []  # settled: the policy's refusals would have arrived too
    assert not [t for _, t in watch.console if "Content Security Policy" in t and "data:," not in t]
    assert watch.heap_requests == [V5_URL]


def test_csp_without_wasm_unsafe_eval_is_one_clear_error(page, site, watch):
    # The worker's own policy (its response's header) refuses WebAssembly: no runtime can start.
    csp_everywhere(site, watch, POLICY.replace(" 'wasm-unsafe-eval'", ""))
    watch.expected_errors += [
        r"^heap-device: the Python runtime could not start",
        r"Content Security Policy",
        r"^wasm streaming compile failed",
        r"^falling back to ArrayBuffer instantiation",
        r"^failed to asynchronously prepare wasm",
        r"^Aborted\(",
    ]
    open_page(page, site.page("micropython", DEST))
    wait_until(page, lambda: our_errors(watch), lambda: watch.console)
    settle_console(page)
    ours = our_errors(watch)
    assert len(ours) == 1 and "wasm-unsafe-eval" in ours[0] and "Fix:" in ours[0], ours
    assert watch.heap_requests == []


def test_csp_refusing_the_worker_runs_python_on_the_page_with_one_info_line(page, site, watch):
    csp_everywhere(site, watch, POLICY.replace("worker-src 'self'", "worker-src 'none'"))
    watch.expected_errors.append(r"Content Security Policy")  # Chromium's own line
    open_page(page, site.page("micropython", DEST))
    assert heap_calls(page, RUNS) == EXPECTED
    lines = infos(page, watch)
    assert len(lines) == 1 and lines[0].startswith(FALLBACK) and "worker-src" in lines[0], lines
    assert page.workers == []
    assert page.evaluate(ON_PAGE) != []  # the interpreter did load on the page


def test_bundle_on_another_origin_runs_in_a_same_origin_bootstrap_worker(
    page, site, watch, other_origin
):
    # new Worker(<other origin>) is refused; a blob: module on the page's origin imports ours.
    open_page(page, site.page("micropython", DEST, tag=cross_origin_tag(other_origin, site)))
    assert heap_calls(page, RUNS) == EXPECTED
    assert infos(page, watch) == []
    assert [w.url[:5] for w in page.workers] == ["blob:"]
    assert page.evaluate(ON_PAGE) == []


def test_bundle_on_another_origin_under_a_csp(page, site, watch, other_origin):
    # The blob: worker inherits the page's policy: it must allow blob: workers and the CDN.
    cdn = other_origin
    policy = (
        "default-src 'self'; script-src 'self' %s 'wasm-unsafe-eval' https://cdn.us.heap-api.com; "
        "worker-src blob:; connect-src 'self' %s https://*.heap-api.com" % (cdn, cdn)
    )
    csp_everywhere(site, watch, policy)
    open_page(page, site.page("micropython", DEST, tag=cross_origin_tag(cdn, site)))
    assert heap_calls(page, RUNS) == EXPECTED
    assert infos(page, watch) == [] and [w.url[:5] for w in page.workers] == ["blob:"]


def test_bundle_on_another_origin_without_blob_workers_runs_on_the_page(
    page, site, watch, other_origin
):
    cdn = other_origin
    policy = (
        "default-src 'self'; script-src 'self' %s 'wasm-unsafe-eval' https://cdn.us.heap-api.com; "
        "connect-src 'self' %s https://*.heap-api.com" % (cdn, cdn)
    )
    csp_everywhere(site, watch, policy)
    watch.expected_errors.append(r"Content Security Policy")
    open_page(page, site.page("micropython", DEST, tag=cross_origin_tag(cdn, site)))
    assert heap_calls(page, RUNS) == EXPECTED
    lines = infos(page, watch)
    assert len(lines) == 1 and lines[0].startswith(FALLBACK), lines
    assert page.workers == []


# A browser without module workers: as old ones do, the type option is ignored (a classic worker
# cannot run our module), or there is no Worker at all.
NO_MODULE_WORKERS = {
    "classic-only": """(() => { const W = window.Worker;
        window.Worker = function (url, options) {
            return new W(url, Object.assign({}, options, {type: 'classic'})); }; })()""",
    "no-worker": "delete window.Worker; window.Worker = undefined;",
}


@pytest.mark.parametrize("missing", list(NO_MODULE_WORKERS))
def test_no_module_workers_runs_python_on_the_page(page, site, watch, missing):
    page.add_init_script(NO_MODULE_WORKERS[missing])
    open_page(page, site.page("micropython", DEST))
    assert heap_calls(page, RUNS) == EXPECTED
    lines = infos(page, watch)
    assert len(lines) == 1 and lines[0].startswith(FALLBACK), lines
    assert page.evaluate(ON_PAGE) != []
