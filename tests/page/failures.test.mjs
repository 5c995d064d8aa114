// Which failures are ours (static/page/transport.js listenForFailures): only what our own files
// did. The page's own rejections and policy violations stay the page's, untouched (issue 22
// item 4): no error from us, no preventDefault, Python still starts.

import assert from 'node:assert/strict';
import { test } from 'node:test';

import { createState } from '../../static/page/state.js';
import { handOver, listenForFailures, namesOurFile, running } from '../../static/page/transport.js';
import { fakeBrowser } from './fake.mjs';

const BASE = 'https://shop.test/heap/';
const BUILD = {
  boot: 'worker',
  paths: { 'micropython/': 'micropython.66709b4b3c76/', 'heap-device-runtime.js': 'heap-device-runtime.e96a4aeaf3d1.js' }
};
const TAG = { src: BASE + 'heap-device.f32b8dab978b.js', getAttribute: () => null };
const OUR_WASM_SCRIPT = BASE + 'micropython.66709b4b3c76/micropython.mjs';
const PAGE_SCRIPT = BASE + 'shop.js'; // the page's own file, in the same folder as ours

function listening(build = BUILD) {
  const browser = fakeBrowser();
  const state = createState(build, TAG, BASE);
  listenForFailures(state);
  handOver(state, 'settings', true);
  return { ...browser, state };
}

function rejection(reason) {
  const event = new Event('unhandledrejection', { cancelable: true });
  event.reason = reason;
  window.dispatchEvent(event);
  return event;
}

function violation(blockedURI, sourceFile) {
  const event = new Event('securitypolicyviolation');
  Object.assign(event, { blockedURI, sourceFile, effectiveDirective: 'script-src' });
  window.dispatchEvent(event);
}

function errorFrom(message, url) {
  const error = new Error(message);
  error.stack = 'Error: ' + message + '\n    at instantiate (' + url + ':1:200)';
  return error;
}

test("our files: the tag, each folder and file of BUILD.paths; not the page's files beside them", () => {
  const { state } = listening();
  assert.equal(namesOurFile(state, TAG.src), true);
  assert.equal(namesOurFile(state, OUR_WASM_SCRIPT), true);
  assert.equal(namesOurFile(state, BASE + 'heap-device-runtime.e96a4aeaf3d1.js'), true);
  assert.equal(namesOurFile(state, PAGE_SCRIPT), false);
  assert.equal(namesOurFile(state, 'https://shop.test/app.js'), false);
  assert.equal(namesOurFile(state, ''), false);
  assert.equal(namesOurFile(state, undefined), false);
});

test('a page rejection that mentions WebAssembly is the page\'s: no error, not prevented, Python still takes items', () => {
  const { state, lines } = listening();
  const event = rejection(errorFrom('WebAssembly.instantiate(): Aborted(page)', PAGE_SCRIPT));
  assert.equal(event.defaultPrevented, false);
  assert.equal(rejection('WebAssembly says no').defaultPrevented, false); // no stack: not ours
  assert.equal(state.failed, false);
  assert.deepEqual(lines, []);
  const got = [];
  running(state, (text) => got.push(text));
  assert.deepEqual(got, ['settings']);
});

test('a rejection raised in our interpreter\'s script is ours: one error, said in our words', () => {
  const { state, lines } = listening();
  const event = rejection(errorFrom('Aborted(both async and sync fetching of the wasm failed)', OUR_WASM_SCRIPT));
  assert.equal(event.defaultPrevented, true);
  assert.equal(state.failed, true);
  assert.equal(lines.length, 1);
  assert.match(lines[0][1], /^heap-device: the Python runtime could not start \(Aborted\(both async/);
  assert.equal(rejection(errorFrom('Aborted(again)', OUR_WASM_SCRIPT)).defaultPrevented, true);
  assert.equal(lines.length, 1);
});

test('once Python runs, even our own late rejection is left to the page', () => {
  const { state, lines } = listening();
  running(state, () => {});
  assert.equal(rejection(errorFrom('Aborted(late)', OUR_WASM_SCRIPT)).defaultPrevented, false);
  assert.deepEqual(lines, []);
});

test("the page's own refused wasm-eval is not ours; our interpreter's is", () => {
  const { state, lines } = listening();
  violation('wasm-eval', PAGE_SCRIPT);
  violation('wasm-eval', '');
  assert.equal(state.failed, false);
  assert.deepEqual(lines, []);
  violation('wasm-eval', OUR_WASM_SCRIPT);
  assert.equal(state.failed, true);
  assert.match(lines[0][1], /refused wasm-eval \(script-src\)/);
});

test("a refused eval stops PyScript builds only, and only when our files made it", () => {
  const worker = listening();
  violation('eval', OUR_WASM_SCRIPT);
  assert.equal(worker.state.failed, false);
  const pyscript = listening({ ...BUILD, boot: 'pyscript' });
  violation('eval', PAGE_SCRIPT);
  assert.equal(pyscript.state.failed, false);
  violation('eval', OUR_WASM_SCRIPT);
  assert.equal(pyscript.state.failed, true);
});
