"""jstext.number_text gives JavaScript's String(n) on the interpreters the browser runs, too.

The doubles reach each interpreter as exact integers (tests/core_jstext_probe.py builds them with
math.ldexp), so what is proven is the core's own arithmetic there, not the interpreter's parsing:
on the npm MicroPython and Pyodide in Node (tests/core_runner.mjs), and on our own MicroPython's
host build (heap_device/tools/hostpython.py), with this checkout's jstext.py in place of the one
frozen into it.
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


def run_on_host(numbers):
    """The probe's answer on the host build of our MicroPython, with this jstext.py."""
    from heap_device.tools import hostpython

    def compiled(path):
        return hostpython.compile_source((ROOT / path).read_text(encoding="utf-8"), path)

    main = hostpython.compile_source(
        "import heap_device.core.jstext as jstext\n"
        "assert hasattr(jstext, 'ours'), 'the frozen jstext ran, not this checkout\\'s'\n"
        "from host_input import TEXT\n"
        "import core_jstext_probe\n"
        "print(core_jstext_probe.run(TEXT))\n",
        "main.py",
    )
    jstext = (ROOT / "heap_device/core/jstext.py").read_text(encoding="utf-8") + "\nours = True\n"
    modules = {
        "heap_device.core.jstext": hostpython.compile_source(jstext, "jstext.py"),
        "core_jstext_probe": compiled("tests/core_jstext_probe.py"),
        "host_input": json.dumps([exact_parts(number) for number in numbers]),
    }
    done = hostpython.run(main, modules)
    assert done.status == 0, done.stderr[-3000:]
    return json.loads(done.stdout)


@pytest.mark.parametrize("runtime", ["micropython", "pyodide", "host"])
def test_number_text_matches_javascript_on_the_runtime(runtime):
    numbers = boundaries() + random_doubles(PER_KIND, seed=21)
    answer = run_on_host(numbers) if runtime == "host" else run_probe(runtime, numbers)
    assert answer["exact"], "the probe did not rebuild the doubles exactly"
    expected = javascript_strings(numbers)
    differ = [
        (repr(n), got, want)
        for n, got, want in zip(numbers, answer["texts"], expected, strict=True)
        if got != want
    ]
    assert differ[:20] == []
