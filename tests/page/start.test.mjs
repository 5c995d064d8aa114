// When Python's start begins (start.js): at once on a first visit, when the main thread rests on a
// repeat visit (our script from the HTTP cache), never later than IDLE_MS.

import assert from 'node:assert/strict';
import { test } from 'node:test';

import { IDLE_MS, fromCache, startWhenDue } from '../../static/page/start.js';

const URL_ = 'https://site.test/heap/heap-device.0123456789ab.js';

function timing(entry) {
  return { getEntriesByName: (name) => (name === URL_ ? [entry] : []) };
}

const CACHED = { transferSize: 0, responseStart: 12.5, decodedBodySize: 20480 };

test('a file from the HTTP cache is told apart from one over the network', () => {
  assert.equal(fromCache(timing(CACHED), URL_), true);
  // over the network, or revalidated (304: headers only)
  assert.equal(fromCache(timing({ ...CACHED, transferSize: 21000 }), URL_), false);
  assert.equal(fromCache(timing({ ...CACHED, transferSize: 310 }), URL_), false);
  // another origin without Timing-Allow-Origin: everything hidden is 0, so we cannot tell
  assert.equal(fromCache(timing({ transferSize: 0, responseStart: 0, decodedBodySize: 0 }), URL_), false);
  // no entry (timeline full, no URL, no performance at all)
  assert.equal(fromCache(timing(CACHED), 'https://site.test/other.js'), false);
  assert.equal(fromCache(timing(CACHED), null), false);
  assert.equal(fromCache(undefined, URL_), false);
});

function page(entry, withIdle = true) {
  const idle = [];
  const win = { performance: timing(entry) };
  if (withIdle) win.requestIdleCallback = (fn, options) => idle.push({ fn, options });
  return { win, idle };
}

test('a first visit starts Python at once', () => {
  const { win, idle } = page({ ...CACHED, transferSize: 21000 });
  let started = 0;
  startWhenDue(win, URL_, () => started++);
  assert.equal(started, 1);
  assert.deepEqual(idle, []);
});

test('a repeat visit starts Python when the main thread first rests, at most IDLE_MS later', () => {
  const { win, idle } = page(CACHED);
  let started = 0;
  startWhenDue(win, URL_, () => started++);
  assert.equal(started, 0);
  assert.equal(idle.length, 1);
  assert.deepEqual(idle[0].options, { timeout: IDLE_MS });
  assert.ok(IDLE_MS > 0 && IDLE_MS <= 500, 'a bounded wait');
  idle[0].fn({ didTimeout: false, timeRemaining: () => 10 });
  assert.equal(started, 1);
});

test('without requestIdleCallback (Safari) a repeat visit starts at once', () => {
  const { win } = page(CACHED, false);
  let started = 0;
  startWhenDue(win, URL_, () => started++);
  assert.equal(started, 1);
});

test('main: on a repeat visit the runtime starts when the main thread rests, not during the tag', async () => {
  const { fakeBrowser } = await import('./fake.mjs');
  const { main } = await import('../../static/page/main.js');
  const { win, doc } = fakeBrowser();
  globalThis.location = { origin: 'https://site.test', href: 'https://site.test/page.html' };
  doc.currentScript = { src: URL_, getAttribute: () => null };
  const idle = [];
  win.performance = timing(CACHED);
  win.requestIdleCallback = (fn, options) => idle.push({ fn, options });
  const started = [];
  main({ boot: 'worker', fields: null }, (state) => started.push(state.entryUrl));
  assert.deepEqual(started, []);
  assert.equal(typeof win.Heap_RS.Heap, 'function'); // the ways in are there at once
  idle[0].fn({ didTimeout: true, timeRemaining: () => 0 });
  assert.deepEqual(started, [URL_]);
});
