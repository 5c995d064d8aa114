// What the pinned runtimes (node_modules) can import, asked of the runtimes themselves.
// Prints JSON {"micropython": [...], "pyodide": [...]}; tests/test_transform_build.py compares it
// with heap_device/tools/runtime_modules.py, which the build reads to check a site's transform.
// Usage: node runtime_modules.mjs <repo root>
import { join } from "node:path";
import { pathToFileURL } from "node:url";

const modules = join(process.argv[2], "node_modules");
const mpUrl = pathToFileURL(join(modules, "@micropython/micropython-webassembly-pyscript/micropython.mjs"));
const { loadMicroPython } = await import(mpUrl.href);
let help = "";
const mp = await loadMicroPython({ stdout: (line) => { help += line + "\n"; } });
mp.runPython("help('modules')");
// help('modules') lists built-in and frozen modules, packages as "name/__init__", submodules as
// "name/sub", and a last line about the file system. Every name listed is importable; so is the
// "u" alias of each name the runtime accepts (ujson for json), asked of the runtime too.
const names = new Set();
for (const line of help.split("\n")) {
  if (line.startsWith("Plus ")) continue;
  for (const word of line.split(/\s+/)) {
    if (!word) continue;
    const name = word.replace(/\/__init__$/, "").replaceAll("/", ".");
    if (name !== "__main__") names.add(name);
  }
}
mp.globals.set("NAMES", JSON.stringify([...names]));
mp.runPython(`
import json
_found = []
for _name in json.loads(NAMES):
    if "." not in _name:
        try:
            __import__("u" + _name)
            _found.append("u" + _name)
        except ImportError:
            pass
ALIASES = json.dumps(_found)
`);
for (const alias of JSON.parse(mp.globals.get("ALIASES"))) names.add(alias);

const { loadPyodide } = await import(pathToFileURL(join(modules, "pyodide/pyodide.mjs")).href);
const py = await loadPyodide({ indexURL: join(modules, "pyodide") + "/", stdout: () => {} });
// Pyodide's modules in its python_stdlib.zip are read from the zip at build time (any
// --pyodide-dir); the ones built into the interpreter are only known by asking it.
const builtins = py.runPython("import json, sys\njson.dumps(sorted(sys.builtin_module_names))");
process.stdout.write(JSON.stringify({ micropython: [...names].sort(), pyodide: JSON.parse(builtins) }));
