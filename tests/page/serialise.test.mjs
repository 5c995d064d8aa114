// The JSON-ready copy of a message (docs/contract.md §5), whole or only the fields Python reads.

import assert from 'node:assert/strict';
import { test } from 'node:test';

import { pick, plain, serialise } from '../../static/page/serialise.js';
import { fakeBrowser } from './fake.mjs';

const copy = (value) => JSON.parse(JSON.stringify(plain(value, [])));

const PLAIN = [
  ['text, true, null stay', { s: 'x', b: true, n: null }, { s: 'x', b: true, n: null }],
  ['finite numbers stay, NaN and ±Infinity -> null', [1.5, NaN, Infinity, -Infinity], [1.5, null, null, null]],
  ['a Date -> ISO text, an invalid one -> null', [new Date(0), new Date('x')], ['1970-01-01T00:00:00.000Z', null]],
  ['BigInt -> decimal text', { big: 12345678901234567890n }, { big: '12345678901234567890' }],
  ['undefined, functions and symbols vanish (from arrays too)', { u: undefined, f() {}, s: Symbol('s'), a: [1, undefined, () => 1] }, { a: [1] }],
  ['keys keep the order the page gave', { z: 1, a: 2, m: 3 }, { z: 1, a: 2, m: 3 }],
  ['an object already on the path vanishes (a cycle)', (() => { const o = { a: 1 }; o.self = o; return o; })(), { a: 1 }],
  ['the same object twice, not a cycle, is copied twice', (() => { const o = { a: 1 }; return { x: o, y: o }; })(), { x: { a: 1 }, y: { a: 1 } }],
  ['a throwing getter vanishes', { ok: 1, get bad() { throw new Error('no'); } }, { ok: 1 }]
];

for (const [rule, value, expected] of PLAIN) {
  test('plain: ' + rule, () => assert.deepEqual(copy(value), expected));
}

test("plain: '__proto__' stays an ordinary key", () => {
  const out = plain(JSON.parse('{"__proto__": {"x": 1}}'), []);
  assert.equal(Object.getPrototypeOf(out), null);
  assert.equal(JSON.stringify(out), '{"__proto__":{"x":1}}');
});

const FIELDS = { type: true, properties: true, context: { traits: true } };

test('pick: only the fields named, nested ones too, each copied by plain', () => {
  const message = {
    type: 'track', event: 'dropped', properties: { when: new Date(0), n: NaN },
    context: { traits: { email: 'a@b.c' }, userAgent: 'dropped' }
  };
  assert.deepEqual(JSON.parse(JSON.stringify(pick(message, FIELDS, []))), {
    type: 'track', properties: { when: '1970-01-01T00:00:00.000Z', n: null }, context: { traits: { email: 'a@b.c' } }
  });
});

test('pick: a field that is not an object where fields are named is copied whole', () => {
  assert.deepEqual(copy(pick({ context: 'text' }, FIELDS, [])), { context: 'text' });
  assert.deepEqual(copy(pick({ context: [1, 2] }, FIELDS, [])), { context: [1, 2] });
});

test('pick: inherited and missing fields stay out', () => {
  const message = Object.create({ type: 'inherited' });
  assert.deepEqual(copy(pick(message, FIELDS, [])), {});
});

test('serialise: JSON text, whole without fields, picked with them', () => {
  assert.equal(serialise({ type: 'reset', x: 1 }, null), '{"type":"reset","x":1}');
  assert.equal(serialise({ type: 'reset', x: 1 }, FIELDS), '{"type":"reset"}');
});

test('serialise: what cannot be copied is dropped with one error, never thrown', () => {
  const { lines } = fakeBrowser();
  const hostile = new Proxy({}, { ownKeys() { throw new Error('no keys'); } });
  assert.equal(serialise(hostile, null), null);
  assert.deepEqual(lines.map((l) => l[0]), ['error']);
  assert.match(lines[0][1], /^heap-device: could not serialise a message; it was dropped/);
});
