"""The worker build's .mpy files load on the MicroPython it ships (the pinned npm package).

A .mpy carries its bytecode version in its second byte and MicroPython refuses any other; the
version is the runtime's ``sys.implementation._mpy & 0xff``. Read from the runtime itself, in Node.
"""

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from heap_device.tools.bundle import MPY_VERSION, browser_modules, compile_mpy

ROOT = Path(__file__).resolve().parent.parent
MICROPYTHON = ROOT / "node_modules/@micropython/micropython-webassembly-pyscript/micropython.mjs"
# Writes the .mpy files into the runtime's file system, imports the bridge and maps one message.
SCRIPT = """
const [url, files] = process.argv.slice(1);
const { loadMicroPython } = await import(url);
const mp = await loadMicroPython({ stdout: () => {} });
const { readFileSync } = await import("node:fs");
for (const [name, path] of Object.entries(JSON.parse(files))) {
  mp.FS.mkdirTree("/x/heap_device/" + name.split("/").slice(0, -1).join("/"));
  mp.FS.writeFile("/x/heap_device/" + name, readFileSync(path));
}
mp.runPython(`
import sys, json
sys.path.insert(0, "/x")
from heap_device.browser import bridge
bridge.start()
bridge.receive(json.dumps({"config": {"appId": "1"}, "options": None}))
OUT = json.dumps({"mpy": sys.implementation._mpy & 0xff,
  "from": bridge.__file__,
  "batch": bridge.receive(json.dumps({"type": "track", "event": "E", "properties": {"a": 1}}))})
`);
process.stdout.write(mp.globals.get("OUT"));
"""


@pytest.fixture(scope="module")
def compiled(tmp_path_factory):
    folder = tmp_path_factory.mktemp("mpy")
    files = {}
    for name, data in compile_mpy(browser_modules("worker")).items():
        path = folder / (name.replace("/", "_") + ".mpy")
        path.write_bytes(data)
        files[name[: -len(".py")] + ".mpy"] = str(path)
    return files


def test_every_mpy_has_the_pinned_bytecode_version(compiled):
    for name, path in compiled.items():
        header = Path(path).read_bytes()[:2]
        assert header == b"M" + bytes([MPY_VERSION]), name


def test_the_shipped_micropython_loads_them_and_maps_a_message(compiled):
    if shutil.which("node") is None:
        pytest.fail("node is needed to run MicroPython (make test installs it)")
    done = subprocess.run(
        ["node", "--input-type=module", "-e", SCRIPT, MICROPYTHON.as_uri(), json.dumps(compiled)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    out = json.loads(done.stdout)
    assert out["mpy"] == MPY_VERSION  # what the runtime accepts is what we pinned
    assert out["from"].endswith("bridge.mpy")  # bytecode, not a source that happened to be there
    ops = json.loads(out["batch"])["ops"]
    assert ["call", "track", ["E", {"a": 1}]] == ops[0][:3]
