// Runs a probe of the core (tests/core_<name>_probe.py: a module with run(text) -> text) on the npm
// MicroPython or Pyodide in Node, with heap_device/core beside it: stdin goes to run(), its answer
// to stdout. Usage: node tests/core_runner.mjs micropython|pyodide <repo root> <name> < input
import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";

const [runtime, root, name] = process.argv.slice(2);
const modules = join(root, "node_modules");
const quiet = (line) => process.stderr.write(line + "\n");
const input = readFileSync(0, "utf8"); // before the runtime boots: Pyodide makes stdin non-blocking

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
const core = join(root, "heap_device", "core");
for (const file of readdirSync(core).filter((file) => file.endsWith(".py") && file !== "__init__.py")) {
  fs.writeFile("/probe/heap_device/core/" + file, readFileSync(join(core, file)));
}
const probe = "core_" + name + "_probe";
fs.writeFile("/probe/" + probe + ".py", readFileSync(join(root, "tests", probe + ".py")));
python.globals.set("INPUT", input);
try {
  python.runPython(
    "import sys\nsys.path.insert(0, '/probe')\nimport " + probe + "\nRESULT = " + probe + ".run(INPUT)",
  );
  process.stdout.write(python.globals.get("RESULT"));
} catch (error) {
  process.stderr.write(String(error.message || error).slice(-3000) + "\n"); // not the minified source
  process.exitCode = 1;
}
