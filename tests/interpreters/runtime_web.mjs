// heap-device's own MicroPython (static/runtime/) under Node, through the runtime module's own
// micropythonBridge: the committed .wasm and glue, exactly as a browser worker runs them.
//   node runtime_web.mjs <repo> <input.json>
// input: {"runs": [{"site": <base64 .mpy or null>, "texts": [...], "build": <name>}]}; each run
// is a fresh interpreter (one page) of the build a bundle would ship: micropython with a site's
// transform, micropython-core without (or "build", to choose). Prints {"runs": [[start batch,
// answer, ...], ...], "printed": [...]}.
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

const [root, input] = process.argv.slice(2);
const runtime = await import(pathToFileURL(path.join(root, 'static', 'heap-device-runtime.js')).href);
const builds = {};
for (const name of ['micropython', 'micropython-core']) {
  const file = path.join(root, 'static', 'runtime', name);
  const glue = fs.readFileSync(file + '.js', 'utf8');
  builds[name] = {
    create: new Function(glue + '\nreturn createHeapDevicePython;')(),
    wasm: await WebAssembly.compile(fs.readFileSync(file + '.wasm'))
  };
}
const given = JSON.parse(fs.readFileSync(input, 'utf8'));
const printed = [];
const runs = [];
for (const run of given.runs) {
  const { create, wasm } = builds[run.build || (run.site ? 'micropython' : 'micropython-core')];
  const module = await create({
    // as the runtime module does: the glue is handed the instance of the compiled .wasm
    instantiateWasm: function (imports, receive) {
      WebAssembly.instantiate(wasm, imports).then(function (instance) { receive(instance); });
      return {};
    },
    print: function (text) { printed.push(text); },
    printErr: function (text) { printed.push(text); }
  });
  const files = run.site ? [{ path: 'site_transform.mpy', bytes: Buffer.from(run.site, 'base64') }] : null;
  const answers = [];
  try {
    const bridge = runtime.micropythonBridge(module, files);
    answers.push(bridge.start());
    for (const text of run.texts) answers.push(bridge.receive(text));
  } catch (error) {
    answers.push('raised ' + error.message);
  }
  runs.push(answers);
}
process.stdout.write(JSON.stringify({ runs: runs, printed: printed }));
