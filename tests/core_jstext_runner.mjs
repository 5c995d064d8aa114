// Runs tests/core_jstext_probe.py on the npm MicroPython or Pyodide in Node: the cases come on
// stdin as JSON [[sign, m, e], ...]; the probe's JSON answer goes to stdout.
// Usage: node tests/core_jstext_runner.mjs micropython|pyodide <repo root> < cases.json
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";

const [runtime, root] = process.argv.slice(2);
const modules = join(root, "node_modules");
const quiet = (line) => process.stderr.write(line + "\n");
const cases = readFileSync(0, "utf8"); // before the runtime boots: Pyodide makes stdin non-blocking

async function boot() {
  if (runtime === "micropython") {
    const path = join(modules, "@micropython/micropython-webassembly-pyscript/micropython.mjs");
    const { loadMicroPython } = await import(pathToFileURL(path).href);
    return loadMicroPython({ stdout: quiet, heapsize: 64 * 1024 * 1024 });
  }
  if (runtime === "pyodide") {
    const { loadPyodide } = await import(pathToFileURL(join(modules, "pyodide/pyodide.mjs")).href);
    return loadPyodide({ indexURL: join(modules, "pyodide") + "/", stdout: quiet });
  }
  throw new Error("unknown runtime " + runtime + " (micropython or pyodide)");
}

const python = await boot();
const fs = python.FS;
fs.mkdirTree("/probe/heap_device/core");
fs.writeFile("/probe/heap_device/__init__.py", "");
fs.writeFile("/probe/heap_device/core/__init__.py", "");
for (const name of ["jstext.py"]) {
  fs.writeFile("/probe/heap_device/core/" + name, readFileSync(join(root, "heap_device", "core", name)));
}
fs.writeFile("/probe/core_jstext_probe.py", readFileSync(join(root, "tests", "core_jstext_probe.py")));
python.globals.set("CASES", cases);
try {
  python.runPython(
    "import sys\nsys.path.insert(0, '/probe')\nimport core_jstext_probe\nRESULT = core_jstext_probe.run(CASES)",
  );
  process.stdout.write(python.globals.get("RESULT"));
} catch (error) {
  process.stderr.write(String(error.message || error).slice(-3000) + "\n"); // not the minified source
  process.exitCode = 1;
}
