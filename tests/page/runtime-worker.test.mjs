// static/heap-device-runtime.js as a build writes it (trust.js and our MicroPython's glue copied
// in, BUILD filled in), run in a fake module Worker with the committed static/runtime/ .wasm:
// the worker protocol with the page (static/page/boot.js), verification before anything runs,
// one fetch per file, and no side effect outside a worker.

import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { fileURLToPath, pathToFileURL } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const SOURCE = fs.readFileSync(path.join(ROOT, 'static', 'heap-device-runtime.js'), 'utf8');
const TRUST = fs.readFileSync(path.join(ROOT, 'static', 'page', 'trust.js'), 'utf8');
const GLUE = fs.readFileSync(path.join(ROOT, 'static', 'runtime', 'micropython.js'), 'utf8');
const WASM = fs.readFileSync(path.join(ROOT, 'static', 'runtime', 'micropython.wasm'));
const BASE = 'https://cdn.test/heap/';
const WASM_NAME = 'micropython.0123456789ab/micropython.wasm';
const PACK_NAME = 'heap_device.0123456789ab/modules.bin';
const SETTINGS = JSON.stringify({ config: { appId: '1234567890' }, options: null, dev: false });
const TRACK = JSON.stringify({ type: 'track', messageId: 'm-1', event: 'Bought', properties: { price: 9882.47 } });

function sri(bytes) {
  return 'sha384-' + createHash('sha384').update(bytes).digest('base64');
}

// What heap_device/tools/bundle.py's render_runtime_module does: trust.js's body (no export
// words) and the glue where their lines stand, and the BUILD line filled in.
function rendered(build) {
  const trust = TRUST.replace(/^export (?=function |var )/gm, '');
  return SOURCE
    .replace('// trust.js\n', trust)
    .replace('// micropython glue\n', build.runtime === 'micropython' ? GLUE : '')
    .replace(/^var BUILD = .*;$/m, 'var BUILD = ' + JSON.stringify(build) + ';');
}

let written = 0;
async function importModule(text) {
  const file = path.join(os.tmpdir(), 'heap-device-runtime-test-' + process.pid + '-' + written++ + '.mjs');
  fs.writeFileSync(file, text);
  try {
    return await import(pathToFileURL(file).href);
  } finally {
    fs.unlinkSync(file);
  }
}

// A module Worker's global scope: self, postMessage, fetch (served from `files`, every request
// recorded), performance and crypto are Node's own.
function fakeWorker(files) {
  class WorkerGlobalScope {}
  const scope = Object.create(WorkerGlobalScope.prototype);
  const posted = [];
  const fetched = [];
  scope.postMessage = (data) => posted.push(data);
  scope.fetch = globalThis.fetch = (url) => {
    fetched.push(String(url));
    const body = files[String(url)];
    // a real Response: its body is a stream, as the .wasm's compiled while it arrives
    if (body === undefined) return Promise.resolve(new Response('not here', { status: 404 }));
    const type = String(url).endsWith('.wasm') ? 'application/wasm' : 'application/octet-stream';
    return Promise.resolve(new Response(new Uint8Array(body), { headers: { 'Content-Type': type } }));
  };
  globalThis.WorkerGlobalScope = WorkerGlobalScope;
  globalThis.self = scope;
  globalThis.HEAP_DEVICE_RUNTIME_URL = BASE + 'heap-device-runtime.0123456789ab.js';
  return { scope, posted, fetched };
}

function leaveWorker() {
  delete globalThis.WorkerGlobalScope;
  delete globalThis.self;
  delete globalThis.HEAP_DEVICE_RUNTIME_URL;
}

async function until(check) {
  for (let i = 0; i < 500 && !check(); i++) await new Promise((r) => setTimeout(r, 10));
  assert.ok(check(), 'timed out');
}

function micropythonBuild(extra) {
  return Object.assign({
    runtime: 'micropython',
    pack: null,
    interpreter: 'micropython.0123456789ab/',
    integrity: { [WASM_NAME]: sri(WASM) }
  }, extra);
}

// A pack holding one file (bundle.pack_modules' layout).
function pack(name, bytes) {
  const index = new TextEncoder().encode(JSON.stringify([[name, bytes.length]]));
  const out = new Uint8Array(4 + index.length + bytes.length);
  new DataView(out.buffer).setUint32(0, index.length, true);
  out.set(index, 4);
  out.set(bytes, 4 + index.length);
  return out;
}

test('in a worker: Python says it runs, then answers the settings and a message, in order', async (t) => {
  t.after(leaveWorker);
  const worker = fakeWorker({ [BASE + WASM_NAME]: WASM });
  await importModule(rendered(micropythonBuild()));
  await until(() => worker.posted.length === 1);
  const ready = JSON.parse(worker.posted[0][0]);
  assert.deepEqual(ready.ops[0].slice(0, 2), ['event', 'heap-device:ready']);
  assert.equal(ready.ops[0][2].runtime, 'micropython');
  worker.scope.onmessage({ data: [SETTINGS, TRACK] });
  // the settings' answer (the loader plan) leaves at once, before the message's
  assert.equal(worker.posted.length, 3);
  assert.equal(JSON.parse(worker.posted[1][0]).ops[0][0], 'plan');
  const call = JSON.parse(worker.posted[2][0]).ops.find((op) => op[0] === 'call');
  assert.deepEqual(call.slice(1, 3), ['track', ['Bought', { price: 9882.47 }]]);
  // one request, for the .wasm: the glue came in this module, and there is no pack
  assert.deepEqual(worker.fetched, [BASE + WASM_NAME]);
});

test('in a worker: items sent before Python runs wait, in order, and are answered as soon as it runs', async (t) => {
  t.after(leaveWorker);
  const worker = fakeWorker({ [BASE + WASM_NAME]: WASM });
  await importModule(rendered(micropythonBuild()));
  const dropped = JSON.stringify({ type: 'track', messageId: 'm-0', event: 'Dropped by the cap' });
  const later = JSON.stringify({ type: 'track', messageId: 'm-2', event: 'Later' });
  // the page's queue cap took back item 1 (dropped) after it was sent
  worker.scope.onmessage({ data: [SETTINGS, dropped] });
  worker.scope.onmessage({ data: [TRACK, 1, later] });
  assert.equal(worker.posted.length, 0); // Python is not running yet
  await until(() => worker.posted.length === 3);
  assert.equal(JSON.parse(worker.posted[0][0]).ops[0][1], 'heap-device:ready');
  // the settings' answer first, on its own; then the rest together
  assert.equal(worker.posted[1].length, 1);
  assert.equal(JSON.parse(worker.posted[1][0]).ops[0][0], 'plan');
  const names = worker.posted[2].map((batch) => JSON.parse(batch).ops.find((op) => op[0] === 'call')[2][0]);
  assert.deepEqual(names, ['Bought', 'Later']);
});

test('in a worker that could not start Python, what the page sends is dropped quietly', async (t) => {
  t.after(leaveWorker);
  const worker = fakeWorker({});
  await importModule(rendered(micropythonBuild()));
  worker.scope.onmessage({ data: [SETTINGS] });
  await until(() => worker.posted.length === 1);
  assert.ok(worker.posted[0].failed, JSON.stringify(worker.posted[0]));
  worker.scope.onmessage({ data: [TRACK] });
  assert.equal(worker.posted.length, 1);
});

test('without compileStreaming the verified bytes are compiled: Python runs the same', async (t) => {
  const streaming = WebAssembly.compileStreaming;
  t.after(() => { WebAssembly.compileStreaming = streaming; leaveWorker(); });
  delete WebAssembly.compileStreaming;
  const worker = fakeWorker({ [BASE + WASM_NAME]: WASM });
  await importModule(rendered(micropythonBuild()));
  await until(() => worker.posted.length === 1);
  assert.equal(JSON.parse(worker.posted[0][0]).ops[0][1], 'heap-device:ready');
});

test("a .wasm is compiled as it arrives, from the fetch's own Response, and instantiated only once verified", async (t) => {
  const { compile, compileStreaming, instantiate } = WebAssembly;
  const seen = [];
  const fetched = [];
  t.after(() => Object.assign(WebAssembly, { compile, compileStreaming, instantiate }) && leaveWorker());
  WebAssembly.compileStreaming = (response) => {
    // the very Response fetch gave (Chromium keeps compiled code only with that one)
    seen.push(fetched.includes(response) ? 'compile the fetched stream' : 'compile another stream');
    return compileStreaming(response);
  };
  WebAssembly.compile = (bytes) => { seen.push('compile bytes'); return compile(bytes); };
  WebAssembly.instantiate = (module, imports) => {
    seen.push(module instanceof WebAssembly.Module ? 'instantiate module' : 'instantiate bytes');
    return instantiate(module, imports);
  };
  const worker = fakeWorker({ [BASE + WASM_NAME]: WASM });
  const fetch = worker.scope.fetch;
  worker.scope.fetch = globalThis.fetch = (url) => fetch(url).then((response) => { fetched.push(response); return response; });
  await importModule(rendered(micropythonBuild()));
  await until(() => worker.posted.length === 1);
  assert.deepEqual(seen, ['compile the fetched stream', 'instantiate module']);
});

test('a .wasm served as application/octet-stream: its verified bytes are compiled, Python runs', async (t) => {
  t.after(leaveWorker);
  const worker = fakeWorker({ [BASE + WASM_NAME]: WASM });
  const fetch = worker.scope.fetch;
  worker.scope.fetch = globalThis.fetch = (url) => fetch(url).then((response) =>
    new Response(response.body, { headers: { 'Content-Type': 'application/octet-stream' } }));
  await importModule(rendered(micropythonBuild()));
  await until(() => worker.posted.length === 1);
  assert.equal(JSON.parse(worker.posted[0][0]).ops[0][1], 'heap-device:ready');
});

test('a burst is answered in one post, every batch in order', async (t) => {
  t.after(leaveWorker);
  const worker = fakeWorker({ [BASE + WASM_NAME]: WASM });
  await importModule(rendered(micropythonBuild()));
  await until(() => worker.posted.length === 1);
  worker.scope.onmessage({ data: [SETTINGS] });
  const events = ['A', 'B', 'C'].map((name) => JSON.stringify({ type: 'track', messageId: name, event: name }));
  worker.scope.onmessage({ data: events });
  assert.equal(worker.posted.length, 3);
  const names = worker.posted[2].map((batch) => JSON.parse(batch).ops.find((op) => op[0] === 'call')[2][0]);
  assert.deepEqual(names, ['A', 'B', 'C']);
});

test('a changed .wasm is refused by name and Python never starts', async (t) => {
  t.after(leaveWorker);
  const changed = Buffer.from(WASM);
  changed[changed.length - 1] ^= 1;
  const worker = fakeWorker({ [BASE + WASM_NAME]: changed });
  globalThis.created = 0;
  await importModule(rendered(micropythonBuild()).replace(
    'return createHeapDevicePython({', 'globalThis.created++;\n    return createHeapDevicePython({'));
  await until(() => worker.posted.length === 1);
  const [answer] = worker.posted;
  assert.ok(!Array.isArray(answer), 'no batch: Python did not run');
  assert.ok(answer.refused.startsWith(BASE + WASM_NAME + ' is not the file this build wrote'), answer.refused);
  assert.equal(globalThis.created, 0);
  delete globalThis.created;
});

test('a transform build: the pack is verified and the site module runs in Python', async (t) => {
  t.after(leaveWorker);
  // site_transform.mpy as mpy-cross 1.27 writes it, for:
  //   def transformEvent(event, metadata):
  //       event['event'] = 'Renamed'
  //       return event
  const mpy = fs.readFileSync(path.join(ROOT, 'tests', 'page', 'runtime-rename.mpy'));
  const packed = pack('site_transform.mpy', mpy);
  const worker = fakeWorker({ [BASE + WASM_NAME]: WASM, [BASE + PACK_NAME]: packed });
  const build = micropythonBuild({ pack: PACK_NAME });
  build.integrity[PACK_NAME] = sri(packed);
  await importModule(rendered(build));
  await until(() => worker.posted.length === 1);
  worker.scope.onmessage({ data: [SETTINGS, TRACK] });
  const call = JSON.parse(worker.posted[2][0]).ops.find((op) => op[0] === 'call');
  assert.deepEqual(call.slice(1, 3), ['track', ['Renamed', { price: 9882.47 }]]);
  assert.deepEqual(worker.fetched.sort(), [BASE + PACK_NAME, BASE + WASM_NAME].sort());
});

test('a changed pack is refused: the transform is never silently left out', async (t) => {
  t.after(leaveWorker);
  const mpy = fs.readFileSync(path.join(ROOT, 'tests', 'page', 'runtime-rename.mpy'));
  const packed = pack('site_transform.mpy', mpy);
  const worker = fakeWorker({ [BASE + WASM_NAME]: WASM, [BASE + PACK_NAME]: packed });
  const build = micropythonBuild({ pack: PACK_NAME });
  build.integrity[PACK_NAME] = sri(Buffer.from('other bytes'));
  await importModule(rendered(build));
  await until(() => worker.posted.length === 1);
  assert.ok(worker.posted[0].refused.startsWith(BASE + PACK_NAME + ' is not the file'), worker.posted[0]);
});

test('a pack with a module this runtime cannot load fails loudly', async (t) => {
  t.after(leaveWorker);
  const packed = pack('core/calls.mpy', new Uint8Array([77, 6]));
  const worker = fakeWorker({ [BASE + WASM_NAME]: WASM, [BASE + PACK_NAME]: packed });
  const build = micropythonBuild({ pack: PACK_NAME });
  build.integrity[PACK_NAME] = sri(packed);
  await importModule(rendered(build));
  await until(() => worker.posted.length === 1);
  assert.match(worker.posted[0].failed, /core\/calls\.mpy/);
});

test('outside a worker: importable, no side effect, boot() exported', async () => {
  const before = globalThis.fetch;
  let fetched = 0;
  globalThis.fetch = () => { fetched++; return new Promise(() => {}); };
  try {
    const module = await importModule(rendered(micropythonBuild()));
    assert.equal(typeof module.boot, 'function');
    assert.equal(fetched, 0);
    assert.equal(globalThis.onmessage, undefined);
    assert.equal(typeof globalThis.define, 'undefined');
  } finally {
    globalThis.fetch = before;
  }
});

test('Pyodide: pyodide.asm.mjs is verified before Pyodide starts', async (t) => {
  t.after(leaveWorker);
  const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'heap-device-pyodide-'));
  t.after(() => fs.rmSync(folder, { recursive: true, force: true }));
  const script = 'export function loadPyodide() { globalThis.pyodideStarted = true; return new Promise(() => {}); }\n';
  fs.mkdirSync(path.join(folder, 'pyodide'));
  fs.writeFileSync(path.join(folder, 'pyodide', 'pyodide.mjs'), script);
  const base = pathToFileURL(folder).href + '/';
  const asm = Buffer.from('// pyodide.asm.mjs\n');
  const files = {
    [base + 'pyodide/pyodide.mjs']: Buffer.from(script),
    [base + 'pyodide/pyodide.asm.mjs']: Buffer.from('// changed\n'),
    [base + 'modules.bin']: pack('__init__.py', Buffer.from(''))
  };
  const worker = fakeWorker(files);
  globalThis.HEAP_DEVICE_RUNTIME_URL = base + 'heap-device-runtime.js';
  globalThis.pyodideStarted = false;
  const build = {
    runtime: 'pyodide',
    pack: 'modules.bin',
    interpreter: 'pyodide/',
    integrity: {
      'pyodide/pyodide.mjs': sri(Buffer.from(script)),
      'pyodide/pyodide.asm.mjs': sri(asm),
      'modules.bin': sri(files[base + 'modules.bin'])
    }
  };
  await importModule(rendered(build));
  await until(() => worker.posted.length === 1);
  assert.ok(worker.posted[0].refused.startsWith(base + 'pyodide/pyodide.asm.mjs is not the file'), worker.posted[0]);
  assert.equal(globalThis.pyodideStarted, false);
  delete globalThis.pyodideStarted;
});
