// What the transform column shows (changes.mjs) and the name the header shows (model.mjs), without
// a browser: node --test tests/demo/
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { changesOf, changeText } from '../../static/demo/changes.mjs';
import { shownName } from '../../static/demo/model.mjs';

const CONTEXT = { library: { name: 'RudderLabs JavaScript SDK', version: '3.0.0' },
  page: { path: '/', title: 'Shop' }, locale: 'en' };
const MESSAGE = { type: 'track', event: 'Order Completed', messageId: 'm-1', context: CONTEXT,
  properties: { email: 'a@b.example', total: 32.5, secret: 'x', when: new Date(0) } };

test('a rename, a masked field, an added and a removed one; the rest is counted, not listed', () => {
  const after = JSON.parse(JSON.stringify(MESSAGE));
  after.event = 'Purchase';
  after.properties.email = '***';
  delete after.properties.secret;
  after.properties.via = 'rules.py';
  const found = changesOf(MESSAGE, after);
  assert.deepEqual(found.changes, [
    { kind: 'renamed', path: 'event', from: 'Order Completed', to: 'Purchase' },
    { kind: 'changed', path: 'properties.email', from: 'a@b.example', to: '***' },
    { kind: 'removed', path: 'properties.secret', from: 'x' },
    { kind: 'added', path: 'properties.via', to: 'rules.py' }
  ]);
  // type, messageId, 5 context fields, total, when (a Date: the transform saw its text)
  assert.equal(found.unchanged, 9);
  assert.deepEqual(found.changes.map(changeText), [
    'renamed event: "Order Completed" → "Purchase"',
    'changed properties.email: "a@b.example" → "***"',
    'removed properties.secret: "x"',
    'added properties.via: "rules.py"'
  ]);
});

test('nothing changed: no changes, every field unchanged, whatever the key order', () => {
  const reordered = { properties: { total: 32.5, email: 'a@b.example', secret: 'x',
    when: new Date(0).toISOString() }, context: CONTEXT, messageId: 'm-1', event: 'Order Completed',
  type: 'track' };
  assert.deepEqual(changesOf(MESSAGE, reordered), { changes: [], unchanged: 12 });
});

test('a whole object or array changed is one line; long values are cut for reading', () => {
  const before = { type: 'track', properties: { tags: ['a', 'b'], cart: { id: 1 } } };
  const after = { type: 'track', properties: { tags: ['a'], cart: 'x'.repeat(200) } };
  const found = changesOf(before, after);
  assert.deepEqual(found.changes.map(function (c) { return [c.kind, c.path]; }),
    [['changed', 'properties.tags'], ['changed', 'properties.cart']]);
  const line = changeText(found.changes[1]);
  assert.ok(line.startsWith('changed properties.cart: {"id":1} → "xxx'));
  assert.ok(line.endsWith('…') && line.length < 140, line);
});

test("the header shows the name Heap got, and the page's when the transform renamed it", () => {
  const entry = { type: 'track', name: 'Order Completed', report: null };
  assert.deepEqual(shownName(entry), { name: 'Order Completed', was: undefined });
  entry.report = { calls: [['track', ['Purchase', {}]]], transform: { outcome: 'changed' } };
  assert.deepEqual(shownName(entry), { name: 'Purchase', was: 'Order Completed' });
  entry.report.calls = [['track', ['Purchase', {}]], ['track', ['Line item', {}]]];
  assert.deepEqual(shownName(entry), { name: 'Purchase + Line item', was: 'Order Completed' });
  entry.report.calls = []; // dropped: Heap got nothing, the message's name stays
  assert.deepEqual(shownName(entry), { name: 'Order Completed', was: undefined });
  const identify = { type: 'identify', name: 'u-1', report: { calls: [['identify', ['u-1']]] } };
  assert.deepEqual(shownName(identify), { name: 'u-1', was: undefined });
});
