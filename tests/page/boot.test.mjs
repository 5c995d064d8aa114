// Starting the runtime: the worker (boot.js) and PyScript (pyscript.js) share one start path,
// running(): Python's first batch is applied, then what waited is handed over, in order.

import assert from 'node:assert/strict';
import { test } from 'node:test';

import { startRuntime as startWorker } from '../../static/page/boot.js';
import { main } from '../../static/page/main.js';
import { startRuntime as startPyScript } from '../../static/page/pyscript.js';
import { createState } from '../../static/page/state.js';
import { handOver } from '../../static/page/transport.js';
import { fakeBrowser } from './fake.mjs';

const READY = JSON.stringify({ ops: [['event', 'heap-device:ready', { runtime: 'micropython' }]], error: '' });

class FakeWorker {
  constructor(url, options) {
    Object.assign(this, { url, options, posted: [] });
    FakeWorker.last = this;
  }
  postMessage(data) { this.posted.push(data); }
}

function workerPage(base = 'https://site.test/heap/') {
  const browser = fakeBrowser();
  globalThis.location = { origin: 'https://site.test', href: 'https://site.test/' };
  globalThis.Worker = FakeWorker;
  const build = { boot: 'worker', fields: null, runtimeScript: 'heap-device-runtime.js' };
  const state = createState(build, null, base);
  return { ...browser, state };
}

test('worker: its first answer says Python runs; what waited goes in one post, in order', async () => {
  const { state, win } = workerPage();
  const ready = [];
  win.addEventListener('heap-device:ready', (e) => ready.push(e.detail.runtime));
  handOver(state, 'settings', true);
  handOver(state, 'm1');
  startWorker(state);
  const worker = FakeWorker.last;
  assert.equal(worker.url, 'https://site.test/heap/heap-device-runtime.js');
  assert.deepEqual(worker.options, { type: 'module', name: 'heap-device' });
  assert.deepEqual(worker.posted, []); // nothing before Python answers: no clock, no handshake
  worker.onmessage({ data: [READY] });
  handOver(state, 'm2');
  await Promise.resolve();
  assert.deepEqual(ready, ['micropython']);
  assert.deepEqual(worker.posted, [['settings', 'm1', 'm2']]);
});

test('worker: a runtime from another origin starts through a same-origin blob: module', () => {
  const { state } = workerPage('https://cdn.test/heap/');
  startWorker(state);
  assert.match(FakeWorker.last.url, /^blob:/);
});

test("worker: a runtime that could not start is said once, in the page's words", () => {
  const { state, lines } = workerPage();
  startWorker(state);
  FakeWorker.last.onmessage({ data: { failed: 'HTTP 404' } });
  assert.equal(lines.length, 1);
  assert.match(lines[0][1], /^heap-device: the Python runtime could not start \(HTTP 404\)/);
});

test('PyScript: main.py applies the first batch, sets push, calls flush: then items go to push', () => {
  const { appended, win } = fakeBrowser();
  win.Heap_RS = {};
  const state = createState({ boot: 'pyscript', runtime: 'micropython', modules: ['core/calls.py'] }, null, 'https://cdn.test/heap/');
  handOver(state, 'settings', true);
  startPyScript(state);
  const [tag, core] = appended;
  assert.equal(tag.type, 'mpy');
  assert.equal(tag.src, 'https://cdn.test/heap/heap_device/browser/main.py');
  assert.deepEqual(JSON.parse(tag.attributes.config).files, { 'https://cdn.test/heap/heap_device/core/calls.py': './heap_device/core/calls.py' });
  assert.equal(core.src, 'https://cdn.test/heap/pyscript/core.js');
  const got = [];
  const rs = win.Heap_RS;
  rs.apply(READY);
  rs.push = (text) => got.push(text);
  rs.flush();
  handOver(state, 'm1');
  assert.deepEqual(got, ['settings', 'm1']);
});

test('main: one setup per page (a second copy of the tag does nothing), the ways in exposed', () => {
  const { win, doc } = fakeBrowser();
  globalThis.location = { origin: 'https://site.test', href: 'https://site.test/page.html' };
  doc.currentScript = { src: 'https://cdn.test/heap/heap-device.js', getAttribute: () => null };
  const started = [];
  main({ boot: 'worker', fields: null }, (state) => started.push(state.base));
  const Heap = win.Heap_RS.Heap;
  main({ boot: 'worker', fields: null }, (state) => started.push('again'));
  assert.deepEqual(started, ['https://cdn.test/heap/']);
  assert.equal(win.Heap_RS.Heap, Heap);
  assert.equal(typeof win.HeapDevice.customIntegration.isReady, 'function');
  assert.equal(win.Heap_RS.running, undefined); // no dev tools passed
});
