// RudderStack's Device Mode Transformations (shouldApplyDeviceModeTransformation on the Heap.io
// destination): the SDK sends each message it makes to its data plane and hands the destination
// what comes back, later, maybe two messages with one messageId, maybe none. The page's call order
// (docs/contract.md §4.6) still holds. e2e/test_rudderstack_transformations.py: the real SDK.

import assert from 'node:assert/strict';
import { afterEach, beforeEach, mock, test } from 'node:test';

import { transformedIds } from '../../static/page/dataplane.js';
import { SDK_TRANSFORM_WAIT_MS } from '../../static/page/order.js';
import { FakeSdk, fakePage, labels, loadingSnippet } from './fake.mjs';

// The page waits SDK_TRANSFORM_WAIT_MS for a message on its way: mocked timers, so no test (nor
// the test process, which waits for pending timers) waits for real.
beforeEach(() => mock.timers.enable({ apis: ['setTimeout'] }));
afterEach(() => mock.timers.reset());
// What a task later would have run: the SDK's ready (a mocked timer), the page's microtasks.
const tick = () => { mock.timers.tick(0); return new Promise((resolve) => setImmediate(resolve)); };

const ra = () => window.rudderanalytics;

/** The data plane's transformation for these tests: "drop" goes, "split" becomes two copies (one
 * messageId), any other event is renamed to upper case. */
function transformation(message) {
  if (message.event === 'drop') return [];
  if (message.event === 'split') return [{ ...message, event: 'split-1' }, { ...message, event: 'split-2' }];
  if (message.event === 'renamed split') {
    return [{ ...message, event: 'part-1' }, { ...message, event: 'part-2', messageId: message.messageId + '-2' }];
  }
  return [{ ...message, event: message.event && message.event.toUpperCase() }];
}

/** What the browser's XMLHttpRequest does for the SDK's /transform requests: nothing is sent;
 * the test ends each request with end(status). */
class FakeXhr extends EventTarget {
  send(body) { this.body = body; }
  end(status) { this.status = status; this.dispatchEvent(new Event('loadend')); }
}

/** An SDK whose Heap.io destination has Device Mode Transformations on: a message made goes to
 * the data plane (`onTheWay`, one XMLHttpRequest each, body as the SDK writes it) instead of to
 * the destination; answer(i) ends the i-th round trip still open, the oldest by default: what the
 * transformation returned is handed over, then the request ends (status 200). fail(i, status):
 * the data plane answered `status` and the SDK drops the message (no propagate). */
class TransformingSdk extends FakeSdk {
  constructor(page, options = {}) {
    super(page, { ...options, destinationFlags: { shouldApplyDeviceModeTransformation: true } });
    this.onTheWay = [];
    window.XMLHttpRequest = FakeXhr;
  }

  make(message, callback) {
    if (!this.filtered(message)) {
      const xhr = new window.XMLHttpRequest();
      xhr.send(JSON.stringify({ metadata: {}, batch: [{ orderNo: 1, destinationIds: ['dest-1'], event: message }] }));
      this.onTheWay.push({ message, xhr });
    }
    if (callback) callback(message);
  }

  answer(i = 0) {
    const [{ message, xhr }] = this.onTheWay.splice(i, 1);
    transformation(message).forEach((m) => this.handOver(m));
    xhr.end(200);
  }

  fail(i, status) {
    const [{ xhr }] = this.onTheWay.splice(i, 1);
    xhr.end(status);
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
  sdk.answer(1); // "b" came back first: it waits for "drop", still on its way
  assert.deepEqual(labels(page.handed), ['settings']);
  sdk.answer(); // nothing came back for "drop", and the SDK is done with it
  await tick();
  assert.deepEqual(labels(page.handed), ['settings', 'reset', 'track:B']);
});

test('answers that come back out of order reach Python in the order the page called', async () => {
  const { page, sdk } = await readyPage();
  ra().track('a');
  ra().track('b');
  ra().reset();
  ra().track('c');
  sdk.answer(2); // c
  sdk.answer(1); // b
  await tick();
  assert.deepEqual(labels(page.handed), ['settings']);
  sdk.answer(0); // a: everything before c is settled now
  await tick();
  assert.deepEqual(labels(page.handed), ['settings', 'track:A', 'track:B', 'reset', 'track:C']);
});

test('a split message waiting for an earlier one stays whole and in place', async () => {
  const { page, sdk } = await readyPage();
  ra().track('a');
  ra().track('split');
  ra().track('c');
  sdk.answer(2);
  sdk.answer(1);
  await tick();
  assert.deepEqual(labels(page.handed), ['settings']);
  sdk.answer(0);
  await tick();
  assert.deepEqual(labels(page.handed), ['settings', 'track:A', 'track:split-1', 'track:split-2', 'track:C']);
});

test('a split whose second part has a messageId of its own stays with the first', async () => {
  const { page, sdk } = await readyPage();
  ra().track('a');
  ra().track('renamed split');
  ra().track('c');
  sdk.answer(1);
  sdk.answer(1);
  await tick();
  assert.deepEqual(labels(page.handed), ['settings']);
  sdk.answer(0);
  await tick();
  assert.deepEqual(labels(page.handed), ['settings', 'track:A', 'track:part-1', 'track:part-2', 'track:C']);
});

test('an answer the SDK drops (a 400) settles its call when the request ends', async () => {
  const { page, sdk } = await readyPage();
  ra().track('bad');
  ra().track('b');
  sdk.answer(1);
  sdk.fail(0, 400);
  assert.deepEqual(labels(page.handed), ['settings']); // the SDK's own handling comes first
  await tick();
  assert.deepEqual(labels(page.handed), ['settings', 'track:B']);
});

for (const status of [0, 429, 503]) {
  test(`an answer the SDK asks again for (${status}) holds the next one until the SDK's retry budget is spent`, async () => {
    const { page, sdk } = await readyPage();
    ra().track('retried');
    ra().track('b');
    sdk.answer(1);
    sdk.fail(0, status);
    await tick();
    mock.timers.tick(SDK_TRANSFORM_WAIT_MS - 1);
    assert.deepEqual(labels(page.handed), ['settings']);
    mock.timers.tick(1);
    assert.deepEqual(labels(page.handed), ['settings', 'track:B']);
  });
}

test("the SDK's other requests (its data plane's /v1/track) settle nothing", () => {
  assert.deepEqual(transformedIds(JSON.stringify({ type: 'track', messageId: 'm1' })), []);
  assert.deepEqual(transformedIds(undefined), []);
  assert.deepEqual(transformedIds('{"destinationIds": broken'), []);
  const body = { metadata: {}, batch: [{ orderNo: 1, destinationIds: ['d'], event: { messageId: 'm1' } }] };
  assert.deepEqual(transformedIds(JSON.stringify(body)), ['m1']);
});

test('when nothing comes back and nothing follows, the reset goes once the SDK is done with the request', async () => {
  const { page, sdk } = await readyPage();
  ra().track('drop');
  ra().reset();
  sdk.answer();
  assert.deepEqual(labels(page.handed), ['settings']);
  await tick();
  assert.deepEqual(labels(page.handed), ['settings', 'reset']);
});

test('a request that never ends holds the calls after it for SDK_TRANSFORM_WAIT_MS at most', async () => {
  const { page } = await readyPage();
  ra().track('lost');
  ra().reset();
  mock.timers.tick(SDK_TRANSFORM_WAIT_MS - 1);
  assert.deepEqual(labels(page.handed), ['settings']);
  mock.timers.tick(1);
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
