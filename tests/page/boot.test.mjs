// Starting the runtime: the worker (boot.js) and PyScript (pyscript.js) share one start path,
// running(): Python's first batch is applied, then what waited is handed over, in order.

import assert from 'node:assert/strict';
import { resolveObjectURL } from 'node:buffer';
import { createHash } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
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

test('worker: what waited goes in one post at once, then each item as it comes; its first answer says Python runs', async () => {
  const { state, win } = workerPage();
  const ready = [];
  win.addEventListener('heap-device:ready', (e) => ready.push(e.detail.runtime));
  handOver(state, 'settings', true);
  handOver(state, 'm1');
  startWorker(state);
  const worker = FakeWorker.last;
  assert.equal(worker.url, 'https://site.test/heap/heap-device-runtime.js');
  assert.deepEqual(worker.options, { type: 'module', name: 'heap-device' });
  await Promise.resolve();
  // sent before Python runs: the worker holds them and answers the settings as soon as it runs
  assert.deepEqual(worker.posted, [['settings', 'm1']]);
  handOver(state, 'm2');
  worker.onmessage({ data: [READY] });
  handOver(state, 'm3');
  await Promise.resolve();
  assert.deepEqual(ready, ['micropython']);
  assert.deepEqual(worker.posted, [['settings', 'm1'], ['m2', 'm3']]);
});

test('worker: a worker that does not start hands everything sent to it to Python on the page', async () => {
  const { state, lines } = workerPage();
  handOver(state, 'settings', true);
  startWorker(state);
  handOver(state, 'm1');
  await Promise.resolve();
  assert.deepEqual(FakeWorker.last.posted, [['settings', 'm1']]);
  FakeWorker.last.terminate = () => {};
  globalThis.document = Object.assign(globalThis.document || {}, { createElement: () => ({}), head: { appendChild: () => {} } });
  FakeWorker.last.onerror({ message: 'refused' });
  assert.equal(state.ahead, null);
  assert.deepEqual(state.queue.map((entry) => [entry.text, entry.posted]), [['settings', -1], ['m1', -1]]);
  assert.match(lines[0][1], /Python runs on the page, not in a Web Worker \(the Web Worker did not start: refused/);
});

// A runtime module on another origin, and the sha384 its build wrote into BUILD.integrity.
const RUNTIME_TEXT = 'export function boot() {}\n';
const RUNTIME_SRI = 'sha384-' + createHash('sha384').update(RUNTIME_TEXT).digest('base64');

async function otherOriginStart(served) {
  const page = workerPage('https://cdn.test/heap/');
  page.state.build.integrity = { 'heap-device-runtime.js': RUNTIME_SRI };
  FakeWorker.last = null;
  const fetched = [];
  globalThis.fetch = async (url) => { fetched.push(url); return new Response(served); };
  startWorker(page.state);
  for (let i = 0; i < 20 && !FakeWorker.last && !page.state.failed; i++) await new Promise((r) => setTimeout(r));
  return { ...page, fetched, worker: FakeWorker.last };
}

test('worker: a runtime from another origin starts through a same-origin blob: module carrying its verified text', async () => {
  const { worker, fetched, lines } = await otherOriginStart(RUNTIME_TEXT);
  assert.deepEqual(fetched, ['https://cdn.test/heap/heap-device-runtime.js']);
  assert.match(worker.url, /^blob:/);
  const text = await resolveObjectURL(worker.url).text();
  assert.equal(text, 'globalThis.HEAP_DEVICE_RUNTIME_URL = "https://cdn.test/heap/heap-device-runtime.js";\n' + RUNTIME_TEXT);
  assert.deepEqual(lines, []);
});

test('worker: a changed runtime module from another origin is refused: one error naming it, no worker', async () => {
  const { worker, state, lines } = await otherOriginStart(RUNTIME_TEXT + '// one more line\n');
  assert.equal(worker, null);
  assert.equal(state.failed, true);
  assert.deepEqual(lines.map((l) => l[0]), ['error']);
  assert.match(lines[0][1], /^heap-device: https:\/\/cdn\.test\/heap\/heap-device-runtime\.js is not the file this build wrote/);
});

test('worker: a file the worker refused is said once, in its own words', () => {
  const { state, lines } = workerPage();
  startWorker(state);
  FakeWorker.last.onmessage({ data: { failed: 'x', refused: 'https://site.test/heap/p/modules.bin is not the file this build wrote' } });
  assert.deepEqual(lines, [['error', 'heap-device: https://site.test/heap/p/modules.bin is not the file this build wrote']]);
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

// ---- Python on the page (no worker could start): the browser verifies the runtime module --------

// A runtime module on disk, so Node can import it by its URL as the browser would from its module
// map; its boot() records that it ran.
const ON_PAGE_RUNTIME = `export function boot() {
  globalThis.bootedOnPage = (globalThis.bootedOnPage || 0) + 1;
  return { start: () => ${JSON.stringify(READY)}, receive: (text) => { globalThis.receivedOnPage.push(text); } };
}
`;
const ON_PAGE_SRI = 'sha384-' + createHash('sha384').update(ON_PAGE_RUNTIME).digest('base64');

async function onPageStart(served) {
  const dir = mkdtempSync(join(tmpdir(), 'heap-page-'));
  writeFileSync(join(dir, 'heap-device-runtime.js'), ON_PAGE_RUNTIME);
  const page = workerPage(pathToFileURL(dir).href + '/');
  globalThis.location = { origin: 'null', href: page.state.base }; // file: URLs: the "same" origin
  page.state.build.integrity = { 'heap-device-runtime.js': ON_PAGE_SRI };
  globalThis.Worker = function () { throw new Error('worker-src refused'); };
  globalThis.bootedOnPage = 0;
  globalThis.receivedOnPage = [];
  const fetched = [];
  globalThis.fetch = async (url) => {
    fetched.push(url);
    return served === 404 ? new Response('no', { status: 404 }) : new Response(served);
  };
  handOver(page.state, 'settings', true);
  startWorker(page.state);
  const [script] = page.appended;
  return { ...page, script, fetched, url: page.state.base + 'heap-device-runtime.js' };
}

const settled = () => new Promise((resolve) => setTimeout(resolve, 20));
/** Wait (a loaded machine imports slowly) until `done()` is true, 10 s at most. */
async function until(done) {
  for (let i = 0; i < 1000 && !done(); i++) await new Promise((resolve) => setTimeout(resolve, 10));
}

test('on the page: the runtime runs as a module script with its integrity, then comes from the module map, fetched once', async () => {
  const { script, fetched, state, url, lines } = await onPageStart(ON_PAGE_RUNTIME);
  assert.deepEqual([script.tag, script.type, script.src, script.integrity, script.crossOrigin],
    ['script', 'module', url, ON_PAGE_SRI, 'anonymous']);
  await settled();
  assert.equal(globalThis.bootedOnPage, 0); // nothing imported before the browser ran the script
  script.onload();
  await until(() => globalThis.receivedOnPage.length);
  assert.equal(script.removed, true);
  assert.equal(globalThis.bootedOnPage, 1);
  assert.deepEqual(globalThis.receivedOnPage, ['settings']);
  assert.deepEqual(fetched, []); // no fetch of our own: the browser's one request is all
  assert.equal(state.failed, false);
  assert.deepEqual(lines.map((l) => l[0]), ['info']);
  assert.match(lines[0][1], /^heap-device: Python runs on the page, not in a Web Worker \(no Web Worker could start here: worker-src refused\)/);
});

test('on the page: a runtime script the browser refused for its integrity is said in the refusal\'s words', async () => {
  const { script, fetched, state, url, lines } = await onPageStart(ON_PAGE_RUNTIME + '// changed\n');
  script.onerror();
  await until(() => lines.length > 1);
  assert.deepEqual(fetched, [url]);
  assert.equal(globalThis.bootedOnPage, 0);
  assert.equal(state.failed, true);
  assert.deepEqual(lines.map((l) => l[0]), ['info', 'error']);
  assert.ok(lines[1][1].startsWith('heap-device: ' + url + ' is not the file this build wrote (sha384 '), lines[1][1]);
});

test('on the page: a runtime script the server does not have is said as an HTTP error, not a refusal', async () => {
  const { script, state, url, lines } = await onPageStart(404);
  script.onerror();
  await until(() => lines.length > 1);
  assert.equal(state.failed, true);
  assert.match(lines[1][1], /^heap-device: the Python runtime could not start \(fetching of heap-device-runtime\.js failed: .* answered HTTP 404\)/);
  assert.ok(lines[1][1].includes(url));
});

test('on the page: a script the browser did not run though its bytes are right now: one error saying so', async () => {
  const { script, state, lines } = await onPageStart(ON_PAGE_RUNTIME);
  script.onerror();
  await until(() => lines.length > 1);
  assert.equal(state.failed, true);
  assert.match(lines[1][1], /could not start \(the browser did not run .*heap-device-runtime\.js \(a network error, or bytes other than the build wrote/);
});
