// The page's key order for the inspector (keyorder.mjs): node --test tests/demo/
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { callsInPageOrder, inPageOrder, orderedLike, pageOrder } from '../../static/demo/keyorder.mjs';

const ORDER = {
  type: 'track', event: 'Order Completed',
  properties: { order_id: 'o-1', total: 9, shipping: { method: 'x', address: { city: 'P' } },
    tags: ['a'], placed_at: 'T' }
};

test('the page order walks properties depth first', () => {
  assert.deepEqual(pageOrder(ORDER), ['order_id', 'total', 'shipping', 'shipping.method',
    'shipping.address', 'shipping.address.city', 'tags', 'placed_at']);
});

test('identify traits (context.traits) and group traits count too', () => {
  assert.deepEqual(pageOrder({ context: { traits: { b: 1, a: 2 } } }), ['b', 'a']);
  assert.deepEqual(pageOrder({ traits: { z: 1, y: 2 } }), ['z', 'y']);
  assert.deepEqual(pageOrder(null), []);
});

test("Heap's flattened keys come back in the page's order; unknown keys last, as they came", () => {
  const fromPython = { placed_at: 'T', 'shipping.address.city': 'P', account: 1, total: 9,
    tags: 'a', order_id: 'o-1', 'shipping.method': 'x', extra: 2 };
  const shown = inPageOrder(fromPython, pageOrder(ORDER));
  assert.deepEqual(Object.keys(shown), ['order_id', 'total', 'shipping.method',
    'shipping.address.city', 'tags', 'placed_at', 'account', 'extra']);
  assert.deepEqual(shown, fromPython);
});

test('only plain objects are reordered; a "__proto__" key stays a key', () => {
  assert.equal(inPageOrder('text', []), 'text');
  assert.deepEqual(inPageOrder([2, 1], []), [2, 1]);
  const odd = JSON.parse('{"b": 1, "__proto__": 2}');
  const shown = inPageOrder(odd, ['__proto__', 'b']);
  assert.deepEqual(Object.keys(shown), ['__proto__', 'b']);
  assert.equal(Object.getPrototypeOf(shown), Object.prototype);
});

test('calls keep their method and non-object arguments', () => {
  const calls = [['identify', ['u1']], ['addUserProperties', [{ total: 9, order_id: 'o-1' }]]];
  const shown = callsInPageOrder(calls, ORDER);
  assert.deepEqual(shown, calls);
  assert.deepEqual(Object.keys(shown[1][1][0]), ['order_id', 'total']);
});

test('an event as transformEvent returned it reads in the order of the message it came from', () => {
  const returned = { properties: { total: 9, extra: 1, order_id: 'o-1' }, type: 'track',
    event: 'Renamed', list: [{ b: 1, a: 2 }] };
  const message = { type: 'track', event: 'X', properties: { order_id: 'o', total: 1 },
    list: [{ a: 0, b: 0 }] };
  const shown = orderedLike(returned, message);
  assert.deepEqual(shown, returned);
  assert.deepEqual(Object.keys(shown), ['type', 'event', 'properties', 'list']);
  assert.deepEqual(Object.keys(shown.properties), ['order_id', 'total', 'extra']);
  assert.deepEqual(Object.keys(shown.list[0]), ['a', 'b']);
  assert.deepEqual(orderedLike({ b: 1, a: 2 }, null), { b: 1, a: 2 });
});
