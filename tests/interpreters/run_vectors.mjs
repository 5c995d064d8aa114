// Runs tests/vectors.py through the core on MicroPython or Pyodide (the npm builds we ship),
// and prints what each row produced as JSON. tests/test_interpreters.py compares it.
// Usage: node run_vectors.mjs micropython|pyodide <repo root> <messages.json>
// messages.json holds {"calls": each CALLS row's message, "bridge": each BRIDGE item}, as JSON
// text written by CPython: a dict literal evaluated on MicroPython would already have lost its key
// order, as browser input never does.
import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";

const [runtime, root, messages] = process.argv.slice(2);
const modules = join(root, "node_modules");

async function boot() {
  if (runtime === "micropython") {
    const url = pathToFileURL(join(modules, "@micropython/micropython-webassembly-pyscript/micropython.mjs"));
    const { loadMicroPython } = await import(url.href);
    return loadMicroPython({ stdout: (line) => process.stderr.write(line + "\n") });
  }
  if (runtime === "pyodide") {
    const { loadPyodide } = await import(pathToFileURL(join(modules, "pyodide/pyodide.mjs")).href);
    return loadPyodide({ indexURL: join(modules, "pyodide") + "/", stdout: (l) => process.stderr.write(l + "\n") });
  }
  throw new Error("unknown runtime " + runtime);
}

const python = await boot();
const fs = python.FS;
// The package's __init__, the core, and the browser glue the worker imports (not the PyScript
// entry, which needs PyScript): what must run everywhere.
fs.mkdirTree("/vectors/heap_device");
fs.writeFile("/vectors/heap_device/__init__.py", readFileSync(join(root, "heap_device", "__init__.py")));
for (const room of ["core", "browser"]) {
  fs.mkdirTree("/vectors/heap_device/" + room);
  const folder = join(root, "heap_device", room);
  for (const name of readdirSync(folder)) {
    if (name.endsWith(".py") && name !== "main.py") {
      fs.writeFile("/vectors/heap_device/" + room + "/" + name, readFileSync(join(folder, name)));
    }
  }
}
fs.writeFile("/vectors/messages.json", readFileSync(messages));
for (const name of ["vectors.py", "interpreters/vector_runner.py"]) {
  fs.writeFile("/vectors/" + name.split("/").pop(), readFileSync(join(root, "tests", name)));
}
python.runPython("import sys\nsys.path.insert(0, '/vectors')\nimport vector_runner\nRESULT = vector_runner.run()");
process.stdout.write(python.globals.get("RESULT"));
