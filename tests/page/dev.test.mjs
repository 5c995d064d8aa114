// dev.js (--dev builds): Heap_RS.running, and a heap-device:message event per item handed over.

import assert from 'node:assert/strict';
import { test } from 'node:test';

import { devTools } from '../../static/page/dev.js';
import { handOver, running } from '../../static/page/transport.js';
import { fakePage } from './fake.mjs';

test('each message handed over is announced with the copy Python gets, in the page key order', () => {
  const page = fakePage();
  const rs = {};
  devTools(page.state, rs);
  const events = [];
  page.win.addEventListener('heap-device:message', (e) => events.push(e.detail));
  handOver(page.state, JSON.stringify({ config: {}, options: null }), true); // settings: not announced
  handOver(page.state, JSON.stringify({ type: 'track', messageId: 'm1', properties: { z: 1, a: 2 } }));
  handOver(page.state, JSON.stringify({ type: 'reset' }), true);
  assert.deepEqual(events.map((d) => [d.type, d.messageId]), [['track', 'm1'], ['reset', null]]);
  assert.deepEqual(Object.keys(events[0].message.properties), ['z', 'a']);
  assert.equal(typeof events[0].t, 'number');
  assert.equal(rs.running, undefined);
  running(page.state, () => {});
  assert.equal(rs.running, true);
});
