// Handing items over to Python: the queue until it runs, its cap, and the one failure message.

import assert from 'node:assert/strict';
import { test } from 'node:test';

import { createState } from '../../static/page/state.js';
import { fail, handOver, QUEUE_CAP, running, sendAheadTo, takeBackAhead } from '../../static/page/transport.js';
import { fakeBrowser } from './fake.mjs';

const newState = () => createState({ boot: 'worker', fields: null }, null, 'https://cdn.test/heap/');

test('items wait in order until Python runs, then go first; later ones go straight', () => {
  fakeBrowser();
  const state = newState();
  const got = [];
  handOver(state, 'settings', true);
  handOver(state, 'one');
  running(state, (text) => got.push(text));
  handOver(state, 'two');
  assert.deepEqual(got, ['settings', 'one', 'two']);
  assert.deepEqual(state.queue, []);
});

test('an item handed over while the queue goes over waits its turn', () => {
  fakeBrowser();
  const state = newState();
  const got = [];
  handOver(state, 'one');
  handOver(state, 'two');
  running(state, (text) => {
    got.push(text);
    if (text === 'one') handOver(state, 'made while one was handled');
  });
  assert.deepEqual(got, ['one', 'two', 'made while one was handled']);
});

test('the cap drops the oldest item that may go, and warns once', () => {
  const { lines } = fakeBrowser();
  const state = newState();
  handOver(state, 'settings', true);
  handOver(state, 'reset', true);
  for (let i = 0; i < QUEUE_CAP + 2; i++) handOver(state, 'm' + i);
  assert.equal(state.queue.length, QUEUE_CAP + 1);
  assert.deepEqual(state.queue.slice(0, 3).map((q) => q.text), ['settings', 'reset', 'm3']);
  assert.equal(lines.length, 1);
  assert.match(lines[0][1], /^heap-device: 1000 messages wait for the Python runtime/);
});

test('a queue of nothing but kept items keeps them all', () => {
  fakeBrowser();
  const state = newState();
  for (let i = 0; i < QUEUE_CAP + 3; i++) handOver(state, 'reset', true);
  assert.equal(state.queue.length, QUEUE_CAP + 3);
});

test('a receiver that throws: one error per item, the next item still goes', () => {
  const { lines } = fakeBrowser();
  const state = newState();
  const got = [];
  running(state, (text) => { if (text === 'bad') throw new Error('x'); got.push(text); });
  handOver(state, 'bad');
  handOver(state, 'good');
  assert.deepEqual(got, ['good']);
  assert.deepEqual(lines.map((l) => l[0]), ['error']);
});

test('a runtime that cannot start: one error naming the folder and the fix; items dropped', () => {
  const { lines } = fakeBrowser();
  const state = newState();
  handOver(state, 'settings', true);
  fail(state, 'blocked');
  fail(state, 'again');
  handOver(state, 'late');
  assert.deepEqual(state.queue, []);
  assert.equal(lines.length, 1);
  assert.match(lines[0][1], /could not start \(blocked\).*serve https:\/\/cdn\.test\/heap\/.*wasm-unsafe-eval/);
});

test('once Python runs, a failure report is ignored', () => {
  const { lines } = fakeBrowser();
  const state = newState();
  running(state, () => {});
  fail(state, 'late');
  assert.deepEqual(lines, []);
});

test('dev hooks: each item as it is handed over, and the moment Python runs', () => {
  fakeBrowser();
  const state = newState();
  const seen = [];
  state.onHandOver = (text) => seen.push(text);
  state.onRunning = () => seen.push('running');
  handOver(state, 'a');
  running(state, () => {});
  handOver(state, 'b');
  assert.deepEqual(seen, ['a', 'running', 'b']);
});

// ---- A worker starting Python is sent each item ahead (boot.js) --------------------------------

test('sent ahead: what waits, then each item as it comes; once Python runs, none goes twice', () => {
  fakeBrowser();
  const state = newState();
  const sent = [];
  const got = [];
  handOver(state, 'settings', true);
  handOver(state, 'one');
  sendAheadTo(state, (item) => sent.push(item));
  handOver(state, 'two');
  assert.deepEqual(sent, ['settings', 'one', 'two']);
  assert.equal(state.queue.length, 3); // kept until Python runs (the cap, a worker that fails)
  running(state, (text) => got.push(text));
  handOver(state, 'three');
  assert.deepEqual(got, ['three']);
  assert.deepEqual(state.queue, []);
  assert.deepEqual(sent, ['settings', 'one', 'two']);
});

test('sent ahead: an item the cap drops is taken back by its number', () => {
  const { lines } = fakeBrowser();
  const state = newState();
  const sent = [];
  sendAheadTo(state, (item) => sent.push(item));
  handOver(state, 'settings', true);
  for (let i = 0; i < QUEUE_CAP + 2; i++) handOver(state, 'm' + i);
  // settings is 0, m0 is 1, m1 is 2: the two oldest messages go, here and in the worker
  assert.deepEqual(sent.slice(-4), ['m' + QUEUE_CAP, 1, 'm' + (QUEUE_CAP + 1), 2]);
  assert.equal(sent.filter((item) => typeof item === 'number').length, 2);
  assert.equal(state.queue.length, QUEUE_CAP + 1);
  assert.equal(lines.length, 1);
});

test('taken back (the worker failed, Python starts on the page): every item goes, in order', () => {
  fakeBrowser();
  const state = newState();
  const got = [];
  handOver(state, 'settings', true);
  sendAheadTo(state, () => {});
  handOver(state, 'one');
  takeBackAhead(state);
  handOver(state, 'two');
  running(state, (text) => got.push(text));
  assert.deepEqual(got, ['settings', 'one', 'two']);
});

test('nothing is sent ahead once the runtime failed', () => {
  fakeBrowser();
  const state = newState();
  const sent = [];
  handOver(state, 'settings', true);
  fail(state, 'blocked');
  sendAheadTo(state, (item) => sent.push(item));
  handOver(state, 'late');
  assert.deepEqual(sent, []);
});
