// Carrying out Python's batches on the page: the ops, Heap's loader plan and its stub.

import assert from 'node:assert/strict';
import { test } from 'node:test';

import { applyBatch, installHeapStub, loadHeap } from '../../static/page/heap.js';
import { fakeBrowser } from './fake.mjs';

const batch = (ops, error = 'heap-device: could not handle a track message: ') => JSON.stringify({ ops, error });

test('ops run in order: Heap calls, console lines, window events stamped with the page time', () => {
  const { win, lines } = fakeBrowser();
  const calls = [];
  win.heap = { track: (...args) => calls.push(['track', ...args]), identify: (id) => calls.push(['identify', id]) };
  const events = [];
  win.addEventListener('heap-device:calls', (e) => events.push(e.detail));
  applyBatch(batch([
    ['log', 'info', 'first'],
    ['call', 'identify', ['u1'], 'missing identify'],
    ['call', 'track', ['a', { p: 1 }], 'missing track'],
    ['event', 'heap-device:calls', { type: 'track' }]
  ]));
  assert.deepEqual(calls, [['identify', 'u1'], ['track', 'a', { p: 1 }]]);
  assert.deepEqual(lines, [['info', 'first']]);
  assert.equal(events.length, 1);
  assert.equal(events[0].type, 'track');
  assert.equal(typeof events[0].t, 'number');
});

test("a method the page's Heap lacks: its `missing` text is warned, the rest goes on", () => {
  const { win, lines } = fakeBrowser();
  const calls = [];
  win.heap = { track: (name) => calls.push(name) };
  applyBatch(batch([['call', 'addEventProperties', [{}], 'no addEventProperties'], ['call', 'track', ['a'], 'x']]));
  assert.deepEqual(lines, [['warn', 'no addEventProperties']]);
  assert.deepEqual(calls, ['a']);
});

test("a throwing Heap: the batch's error and the JS error once; that message's later calls skipped", () => {
  const { win, lines } = fakeBrowser();
  const calls = [];
  win.heap = { identify() { throw new Error('boom'); }, track: (name) => calls.push(name) };
  applyBatch(batch([['call', 'identify', ['u1'], ''], ['call', 'track', ['a'], ''], ['log', 'warn', 'still logged']]));
  assert.deepEqual(calls, []);
  assert.deepEqual(lines, [['error', 'heap-device: could not handle a track message: Error: boom'], ['warn', 'still logged']]);
});

test('a batch that is not JSON is ignored', () => {
  const { lines } = fakeBrowser();
  applyBatch('');
  applyBatch('{nope');
  assert.deepEqual(lines, []);
});

const PLAN = {
  sdk: 'v5', appId: 'app-1', config: { shouldFetchServerConfig: false }, src: 'https://cdn.test/heap.js',
  methods: ['track', 'identify'], present: ['appid', 'envId', 'loaded'],
  presentNote: 'heap-device: the page already has Heap', blockedNote: 'heap-device: could not load'
};

test('the plan: the v5 stub, heap.load with the config as given, one async script tag', () => {
  const { win, appended, lines } = fakeBrowser();
  loadHeap(PLAN);
  assert.equal(win.heap.envId, 'app-1');
  assert.deepEqual(win.heap.clientConfig, { shouldFetchServerConfig: false });
  assert.equal(appended.length, 1);
  assert.equal(appended[0].src, PLAN.src);
  assert.equal(appended[0].async, true);
  appended[0].onerror();
  assert.deepEqual(lines, [['warn', PLAN.blockedNote]]);
});

test("the stub copies Heap's config as given: it adds no setting of its own", () => {
  const { win } = fakeBrowser();
  loadHeap({ ...PLAN, config: { secureCookie: true } });
  assert.deepEqual(win.heap.clientConfig, { secureCookie: true });
});

test('a page that has Heap already: nothing loaded, the note at debug level', () => {
  const { win, appended, lines } = fakeBrowser();
  const own = { envId: 'theirs' };
  win.heap = own;
  loadHeap(PLAN);
  assert.equal(win.heap, own);
  assert.deepEqual(appended, []);
  assert.deepEqual(lines, [['debug', PLAN.presentNote]]);
});

test('v5 stub: calls wait on heapReadyCb as {name, fn}, and run on the real Heap later', () => {
  const { win } = fakeBrowser();
  installHeapStub('v5', ['track']);
  win.heap.track('a', { p: 1 });
  const [queued] = win.heapReadyCb;
  assert.equal(queued.name, 'track');
  const seen = [];
  win.heap = { track: (...args) => seen.push(args) };
  queued.fn();
  assert.deepEqual(seen, [['a', { p: 1 }]]);
});

test('classic stub: calls are pushed as [name, ...args]; load sets appid and config', () => {
  const { win } = fakeBrowser();
  installHeapStub('classic', ['track', 'identify']);
  win.heap.load('app-2', { a: 1 });
  win.heap.track('a');
  win.heap.identify('u1');
  assert.equal(win.heap.appid, 'app-2');
  assert.deepEqual(win.heap.config, { a: 1 });
  assert.deepEqual([...win.heap], [['track', 'a'], ['identify', 'u1']]);
  assert.equal(win.heapReadyCb, undefined);
});
