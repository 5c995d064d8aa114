// The inspector's state machine (model.mjs), without a browser: node --test tests/demo/
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { accepted, clear, createModel, handedOver, made, refused, reported, sentToDataplane,
  status } from '../../static/demo/model.mjs';

const MESSAGE = { type: 'track', event: 'Order Completed', messageId: 'm-1',
  properties: { order_id: 'o-1', total: 9 } };
const CALLS = { type: 'track', messageId: 'm-1', calls: [['track', ['Order Completed', {}]]],
  notes: [['info', 'a note']], errors: [], t: 20 };

function track(model) {
  return made(model, { type: 'track', name: 'Order Completed', call: 'rudderanalytics.track(…)', t: 10 });
}

test('a call goes made -> accepted -> handed -> called, and the data plane flags it', () => {
  const model = createModel();
  const entry = track(model);
  assert.equal(entry.stage, 'made');
  assert.deepEqual(accepted(model, entry, 'm-1'), [entry]);
  assert.equal(entry.stage, 'accepted');
  assert.equal(handedOver(model, { messageId: 'm-1', type: 'track', message: MESSAGE }), entry);
  assert.equal(entry.stage, 'handed');
  assert.deepEqual(entry.message, MESSAGE);
  assert.equal(reported(model, CALLS), entry);
  assert.equal(entry.stage, 'called');
  assert.deepEqual(entry.report.calls, CALLS.calls);
  assert.equal(sentToDataplane(model, 'm-1'), entry);
  assert.equal(entry.dataplane, true);
  assert.equal(model.entries.length, 1);
});

test("heap-device's events before the SDK's callback: one entry once the callback comes", () => {
  const model = createModel();
  const entry = track(model);
  const early = handedOver(model, { messageId: 'm-1', type: 'track', message: MESSAGE });
  reported(model, CALLS);
  sentToDataplane(model, 'm-1');
  assert.notEqual(early, entry);
  assert.equal(early.fromForm, false);
  assert.equal(early.name, 'Order Completed');
  assert.equal(model.entries.length, 2);
  const changed = accepted(model, entry, 'm-1');
  assert.deepEqual(changed, [entry, early]);
  assert.equal(early.removed, true);
  assert.deepEqual(model.entries, [entry]);
  assert.equal(entry.stage, 'called');
  assert.deepEqual(entry.message, MESSAGE);
  assert.deepEqual(entry.report.calls, CALLS.calls);
  assert.equal(entry.dataplane, true);
  assert.equal(entry.fromForm, true);
});

test("#1, #2… number the form's calls, also when an entry of the events merged in between", () => {
  const model = createModel();
  const first = track(model);
  handedOver(model, { messageId: 'm-1', type: 'track', message: MESSAGE });
  accepted(model, first, 'm-1');
  const second = track(model);
  const other = handedOver(model, { messageId: 'x', type: 'track', message: MESSAGE });
  assert.deepEqual([first.n, second.n, other.n], [1, 2, null]);
  assert.equal(new Set([first.id, second.id, other.id]).size, 3);
});

test('stages never go back: the Heap calls before the message keep the entry called', () => {
  const model = createModel();
  const entry = track(model);
  accepted(model, entry, 'm-1');
  reported(model, CALLS);
  handedOver(model, { messageId: 'm-1', type: 'track', message: MESSAGE });
  assert.equal(entry.stage, 'called');
  assert.deepEqual(entry.message, MESSAGE);
});

test('each event finds its entry by messageId, not by type or order', () => {
  const model = createModel();
  const first = track(model);
  const second = track(model);
  accepted(model, first, 'm-1');
  accepted(model, second, 'm-2');
  reported(model, { ...CALLS, messageId: 'm-2' });
  assert.equal(second.stage, 'called');
  assert.equal(first.stage, 'accepted');
});

test('resets (no messageId) are joined in the order the page made them', () => {
  const model = createModel();
  const one = made(model, { type: 'reset', call: 'rudderanalytics.reset()', t: 1 });
  const two = made(model, { type: 'reset', call: 'rudderanalytics.reset()', t: 2 });
  const reset = { type: 'reset', messageId: null, calls: [['resetIdentity', []]], notes: [],
    errors: [] };
  assert.equal(handedOver(model, { type: 'reset', messageId: null, message: { type: 'reset' } }), one);
  assert.equal(reported(model, reset), one);
  assert.equal(reported(model, reset), two);
  assert.equal(handedOver(model, { type: 'reset', messageId: null, message: { type: 'reset' } }), two);
  assert.deepEqual([one.stage, two.stage], ['called', 'called']);
  assert.equal(model.entries.length, 2);
});

test('a message the form did not make is an entry of its own, named from the message', () => {
  const model = createModel();
  const entry = handedOver(model, { messageId: 'x', type: 'track',
    message: { type: 'track', event: 'Elsewhere' } });
  assert.equal(entry.fromForm, false);
  assert.equal(entry.name, 'Elsewhere');
  assert.equal(entry.messageId, 'x');
  const fromCalls = reported(model, { type: 'identify', messageId: 'y', calls: [], notes: [], errors: [] });
  assert.equal(fromCalls.fromForm, false);
  assert.equal(fromCalls.stage, 'called');
  assert.equal(model.entries.length, 2);
});

test('the settings (handed over first, no type) are no message', () => {
  const model = createModel();
  assert.equal(handedOver(model, { messageId: null, message: { config: {}, dev: true } }), null);
  assert.equal(model.entries.length, 0);
});

test('the transform outcome is kept with the report', () => {
  const model = createModel();
  const transform = { outcome: 'dropped', events: [] };
  const entry = reported(model, { ...CALLS, calls: [], transform });
  assert.deepEqual(entry.report.transform, transform);
});

test('status says how far an entry got', () => {
  const model = createModel();
  const entry = track(model);
  assert.deepEqual(status(entry, 'MicroPython'), ['wait', 'Waiting for RudderStack…']);
  refused(model, entry, 'boom');
  assert.deepEqual(status(entry, null), ['error', 'Refused by RudderStack']);
  accepted(model, entry, 'm-1');
  assert.deepEqual(status(entry, null), ['wait', 'Waiting for RudderStack to pass it on…']);
  handedOver(model, { messageId: 'm-1', type: 'track', message: MESSAGE });
  assert.deepEqual(status(entry, 'MicroPython'), ['wait', 'Queued until MicroPython is ready…']);
  assert.deepEqual(status(entry, null), ['wait', 'Waiting for heap-device…']);
  reported(model, CALLS);
  assert.deepEqual(status(entry, null), ['ok', '1 Heap call']);
  reported(model, { ...CALLS, calls: [] });
  assert.deepEqual(status(entry, null), ['none', 'No Heap call']);
  reported(model, { ...CALLS, errors: ['it broke'] });
  assert.deepEqual(status(entry, null), ['error', 'Error']);
  const reset = made(model, { type: 'reset', t: 1 });
  assert.deepEqual(status(reset, null), ['wait', 'Waiting for heap-device…']);
});

test('Clear removes the entries; a late event for one of them shows nothing new', () => {
  const model = createModel();
  const entry = track(model);
  accepted(model, entry, 'm-1');
  clear(model);
  assert.equal(model.entries.length, 0);
  assert.equal(reported(model, CALLS).removed, true);
  assert.equal(model.entries.length, 0);
});
