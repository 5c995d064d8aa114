"""The chain of trust (issue 18 item 2) in a real browser: a bundle on another origin (a CDN, here
another local port) whose files were changed is refused, file by file, with one console error
naming the file, nothing thrown into the page and no Heap call, while the SDK still posts to its
data plane. The untampered copy of the same build runs."""

import shutil
from types import SimpleNamespace

import pytest

from e2e import served
from e2e.test_browser import (
    DEST,
    heap_calls,
    our_errors,
    settle_console,
    wait_for_our_error,
    wait_for_post,
)
from e2e.test_worker import EXPECTED, RUNS, cross_origin_tag
from heap_device.tools.bundle import RUNTIME_SCRIPT, logical_name

# Each case: a copy of the MicroPython worker build with one byte of one file changed. That
# build loads two files: the runtime module (which carries the interpreter's glue) and the .wasm;
# a build with a site transform also its module pack (test_transform_pack_is_verified).
TAMPERED = {
    "runtime-module": RUNTIME_SCRIPT,
    "wasm": "micropython/micropython.wasm",
}


@pytest.fixture(scope="module")
def copies(site, tmp_path_factory):
    """Copies of the micropython build, by case ("ok": untouched), with no precompressed copies
    (the server would send those instead of the changed file)."""
    root = tmp_path_factory.mktemp("cdn")
    for case in ["ok", *TAMPERED]:
        shutil.copytree(site.root / "micropython", root / case)
        for path in list((root / case).rglob("*")):
            if path.suffix in (".br", ".gz"):
                path.unlink()
        if case != "ok":
            [path] = [
                p for p in (root / case).rglob("*") if _logical(root / case, p) == TAMPERED[case]
            ]
            data = bytearray(path.read_bytes())
            data[-1] ^= 1
            path.write_bytes(bytes(data))
    return root


def _logical(folder, path):
    return logical_name(path.relative_to(folder).as_posix())


@pytest.fixture
def cdn(site, copies):
    server = served.start(copies, headers={"Access-Control-Allow-Origin": "*"})
    site.other_origins.append(server.origin)
    yield server.origin
    site.other_origins.remove(server.origin)
    served.stop(server)


def open_from(page, site, cdn, copies, case):
    # cross_origin_tag names the entry file it finds in <root>/<case>
    tag = cross_origin_tag(cdn, SimpleNamespace(root=copies), bundle=case)
    page.goto(site.page("micropython", DEST, tag=tag))
    page.wait_for_function("() => window.__rsReady === true")


def test_a_changed_file_on_another_origin_is_refused_by_name(page, site, watch, cdn, copies):
    watch.expected_errors.append(r"^heap-device: \S+ is not the file this build wrote")
    for case, name in TAMPERED.items():
        watch.console.clear()
        open_from(page, site, cdn, copies, case)
        page.evaluate("rudderanalytics.track('After Refusal', {case: %r})" % case)
        wait_for_post(page, site, "After Refusal", case)
        wait_for_our_error(page, watch)
        settle_console(page)
        ours = our_errors(watch)
        assert len(ours) == 1, (case, watch.console)
        refused = ours[0].split(" ", 2)[1]  # "heap-device: <url> is not the file ..."
        assert logical_name(refused[len(cdn + "/" + case + "/") :]) == name, ours[0]
        assert (
            "is not the file this build wrote" in ours[0]
            and "Fix: upload the whole folder" in ours[0]
        )
        assert [k for k, t in watch.console if k == "error"] == ["error"], watch.console
        assert page.evaluate("window.__heapCalls") is None, case
    assert watch.heap_requests == []
    assert watch.page_errors == []


def test_the_same_build_untouched_runs_from_another_origin(page, site, watch, cdn, copies):
    open_from(page, site, cdn, copies, "ok")
    assert heap_calls(page, RUNS) == EXPECTED
    assert [w.url[:5] for w in page.workers] == ["blob:"]
