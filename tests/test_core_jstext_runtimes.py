"""jstext.number_text gives JavaScript's String(n) on the interpreters the browser runs, too.

The doubles reach each interpreter as exact integers (tests/core_jstext_probe.py builds them with
math.ldexp), so what is proven is the core's own arithmetic there, not the interpreter's parsing.
To run the same proof on another MicroPython build (the host's WASI one), give its runner the
probe and the cases as `run_probe` below does for Node's.
"""

import json
import shutil
import subprocess
from pathlib import Path

import pytest
from core_jstext_cases import boundaries, exact_parts, javascript_strings, random_doubles

ROOT = Path(__file__).resolve().parent.parent
RUNNER = ROOT / "tests" / "core_runner.mjs"
PACKAGES = {
    "micropython": "@micropython/micropython-webassembly-pyscript/micropython.mjs",
    "pyodide": "pyodide/pyodide.mjs",
}
PER_KIND = 8000  # random doubles of each kind (about 3.25 times as many in all), plus boundaries


def run_probe(runtime, numbers):
    """The probe's answer on `runtime` (npm build, in Node) for these doubles."""
    if shutil.which("node") is None:
        pytest.fail("node is needed to run the core on %s (make test installs it)" % runtime)
    if not (ROOT / "node_modules" / PACKAGES[runtime]).exists():
        pytest.fail("node_modules is missing %s: run `npm ci`" % PACKAGES[runtime])
    done = subprocess.run(
        ["node", str(RUNNER), runtime, str(ROOT), "jstext"],
        input=json.dumps([exact_parts(number) for number in numbers]),
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout)


@pytest.mark.parametrize("runtime", ["micropython", "pyodide"])
def test_number_text_matches_javascript_on_the_runtime(runtime):
    numbers = boundaries() + random_doubles(PER_KIND, seed=21)
    answer = run_probe(runtime, numbers)
    assert answer["exact"], "the probe did not rebuild the doubles exactly"
    expected = javascript_strings(numbers)
    differ = [
        (repr(n), got, want)
        for n, got, want in zip(numbers, answer["texts"], expected, strict=True)
        if got != want
    ]
    assert differ[:20] == []
