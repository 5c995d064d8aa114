"""What check says of a .wasm served as application/octet-stream, held against Chromium.

In the worker the runtime module hands the interpreter the verified bytes as application/wasm, so
the server's type does not matter: Heap gets the events, and check says so in a note (exit 0).
PyScript's MicroPython compiles the downloaded bytes when streaming is refused: it starts too.
Pyodide fetching its .wasm itself cannot (check's unit tests: tests/test_check_files.py).
"""

import pytest

from e2e.test_browser import DEST, heap_calls, open_page
from heap_device.tools import cli

RUNS = "() => rudderanalytics.track('Typed', {n: 1})"


@pytest.mark.parametrize("bundle", ["micropython", "pyodide", "pyscript"])
def test_a_wasm_as_octet_stream_runs_and_check_says_a_note(page, site, watch, bundle, capsys):
    site.server.types[".wasm"] = "application/octet-stream"
    # PyScript's MicroPython logs its refused streaming compile, then compiles the bytes.
    watch.expected_errors += [r"^wasm streaming compile failed", r"^falling back to ArrayBuffer"]
    try:
        url = site.page(bundle, DEST)
        open_page(page, url)
        assert heap_calls(page, RUNS) == [["track", ["Typed", {"n": 1}]]]
        capsys.readouterr()
        assert cli.main(["check", url]) == 0
        out = capsys.readouterr().out
        assert "note: wrong type: " in out and "is served as application/octet-stream" in out
    finally:
        del site.server.types[".wasm"]
