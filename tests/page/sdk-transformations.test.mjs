// RudderStack's Device Mode Transformations (shouldApplyDeviceModeTransformation on the Heap.io
// destination): the SDK sends each message it makes to its data plane and hands the destination
// what comes back, later, maybe two messages with one messageId, maybe none. The page's call order
// (docs/contract.md §4.6) still holds. e2e/test_rudderstack_transformations.py: the real SDK.

import assert from 'node:assert/strict';
import { test } from 'node:test';

import { SDK_TRANSFORM_WAIT_MS } from '../../static/page/order.js';
import { FakeSdk, fakePage, labels, loadingSnippet, tick } from './fake.mjs';

const ra = () => window.rudderanalytics;

/** The data plane's transformation for these tests: "drop" goes, "split" becomes two copies (one
 * messageId), any other event is renamed to upper case. */
function transformation(message) {
  if (message.event === 'drop') return [];
  if (message.event === 'split') return [{ ...message, event: 'split-1' }, { ...message, event: 'split-2' }];
  return [{ ...message, event: message.event && message.event.toUpperCase() }];
}

/** An SDK whose Heap.io destination has Device Mode Transformations on: a message made goes to
 * the data plane (`onTheWay`) instead of to the destination; answer() ends the oldest round trip. */
class TransformingSdk extends FakeSdk {
  constructor(page, options = {}) {
    super(page, { ...options, destinationFlags: { shouldApplyDeviceModeTransformation: true } });
    this.onTheWay = [];
  }

  make(message, callback) {
    if (!this.filtered(message)) this.onTheWay.push(message);
    if (callback) callback(message);
  }

  answer() {
    transformation(this.onTheWay.shift()).forEach((m) => this.handOver(m));
  }
}

async function readyPage() {
  const page = fakePage();
  const sdk = new TransformingSdk(page);
  sdk.takeOver();
  sdk.load();
  sdk.ready();
  await tick();
  page.python.run();
  return { page, sdk };
}

test('a reset waits for what comes back for the calls made before it', async () => {
  const { page, sdk } = await readyPage();
  ra().track('a');
  ra().reset();
  ra().track('b');
  assert.deepEqual(labels(page.handed), ['settings']); // "a" is still at the data plane
  sdk.answer();
  await tick();
  assert.deepEqual(labels(page.handed), ['settings', 'track:A', 'reset']);
  sdk.answer();
  assert.deepEqual(labels(page.handed), ['settings', 'track:A', 'reset', 'track:B']);
});

test('one message transformed into two (one messageId) reaches Python twice', async () => {
  const { page, sdk } = await readyPage();
  ra().track('split');
  ra().reset();
  sdk.answer();
  await tick();
  assert.deepEqual(labels(page.handed), ['settings', 'track:split-1', 'track:split-2', 'reset']);
});

test('a reset after a message the transformation dropped goes before the next one', async () => {
  const { page, sdk } = await readyPage();
  ra().track('drop');
  ra().reset();
  ra().track('b');
  sdk.answer();
  assert.deepEqual(labels(page.handed), ['settings']); // nothing came back: "drop" may still
  sdk.answer();
  await tick();
  assert.deepEqual(labels(page.handed), ['settings', 'reset', 'track:B']);
});

test('when nothing comes back and nothing follows, the reset goes once the SDK has given up', async (t) => {
  const { page, sdk } = await readyPage();
  t.mock.timers.enable({ apis: ['setTimeout'] });
  ra().track('drop');
  ra().reset();
  sdk.answer();
  t.mock.timers.tick(SDK_TRANSFORM_WAIT_MS - 1);
  assert.deepEqual(labels(page.handed), ['settings']);
  t.mock.timers.tick(1);
  assert.deepEqual(labels(page.handed), ['settings', 'reset']);
});

test('calls buffered before the SDK was ready wait for their transformation too', async () => {
  const page = fakePage();
  loadingSnippet();
  ra().track('a');
  ra().reset();
  ra().track('b');
  const sdk = new TransformingSdk(page);
  sdk.takeOver();
  sdk.load(); // replays the buffer: both messages go to the data plane
  page.python.run();
  sdk.ready();
  await tick();
  assert.deepEqual(labels(page.handed), ['settings']);
  sdk.answer();
  sdk.answer();
  await tick();
  assert.deepEqual(labels(page.handed), ['settings', 'track:A', 'reset', 'track:B']);
});

test('the same messageId through the other way in is still one message', async () => {
  const page = fakePage();
  const sdk = new FakeSdk(page, { ways: ['Heap.io', 'Custom Device Mode'] });
  sdk.custom = page.state.customIntegration;
  sdk.takeOver();
  sdk.load();
  page.python.run();
  const message = { type: 'track', event: 'x', messageId: 'm-1' };
  sdk.handOver(message); // both ways: Heap.io, then Custom Device Mode
  assert.deepEqual(labels(page.handed), ['settings', 'track:x']);
});
