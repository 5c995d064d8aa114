// Watching window.rudderanalytics: what it holds and what is assigned to it later, never breaking
// the page's own calls.

import assert from 'node:assert/strict';
import { test } from 'node:test';

import { wrap } from '../../static/page/watch.js';
import { fakePage } from './fake.mjs';

test('a frozen rudderanalytics: its calls go unlogged, and still work', () => {
  const page = fakePage({ watchFirst: false });
  const calls = [];
  window.rudderanalytics = Object.freeze({ track: (...args) => calls.push(args) });
  page.watch();
  window.rudderanalytics.track('a');
  assert.deepEqual(calls, [['a']]);
  assert.deepEqual(page.state.log, []);
});

test('a rudderanalytics the page declared with var (not configurable): what it holds is watched', () => {
  const page = fakePage({ watchFirst: false });
  const calls = [];
  Object.defineProperty(window, 'rudderanalytics', {
    value: { track: (...args) => calls.push(args.length) }, writable: true, configurable: false
  });
  page.watch();
  window.rudderanalytics.track('a');
  assert.deepEqual(calls, [2]); // our callback went in, in the next free place
  assert.equal(page.state.log.length, 1);
});

test('a method assigned later is wrapped once; an already wrapped one is not wrapped again', () => {
  const page = fakePage();
  window.rudderanalytics = {};
  const calls = [];
  window.rudderanalytics.track = (...args) => calls.push(args.length);
  const wrapped = window.rudderanalytics.track;
  assert.equal(wrap(page.state, 'track', wrapped), wrapped);
  window.rudderanalytics.track = wrapped;
  window.rudderanalytics.track('a');
  assert.deepEqual(calls, [2]);
  assert.equal(page.state.log.length, 1);
});

test('an error while logging never costs the page its call', () => {
  const page = fakePage();
  const calls = [];
  window.rudderanalytics = { consent: (...args) => calls.push(args) };
  const hostile = { get consentManagement() { throw new Error('no'); } };
  window.rudderanalytics.consent(hostile);
  assert.deepEqual(calls, [[hostile]]);
});
