// The JSON-ready copy of a message (docs/contract.md §5), whole or only the fields Python reads.

import assert from 'node:assert/strict';
import { test } from 'node:test';

import { jsonReady, pick, plain, serialise } from '../../static/page/serialise.js';
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

// ---- The whole message without the copy (a site transform's messages): the same text --------

const slow = (value) => JSON.stringify(plain(value, []));

test('serialise, whole: every plain() rule gives the text of the copy', () => {
  for (const [rule, value] of PLAIN) assert.equal(serialise(value, null), slow(value), rule);
});

// What JSON.stringify alone would write otherwise: each must take the copy.
const NOT_READY = {
  'a hole in an array': [1, , 3], // eslint-disable-line no-sparse-arrays
  'an array with a key of its own': Object.assign([1, 2], { extra: 3 }),
  'undefined in an array': [1, undefined],
  'a function in an array': [() => 1],
  'a BigInt': { big: 1n },
  'a BigInt in an array': [1n],
  'an object with toJSON': { when: { toJSON: () => 'mine' } },
  'a boxed string': { s: Object('ab') },
  'a boxed number': { n: Object(3) },
  'a boxed boolean': { b: Object(false) },
  'a Date whose toJSON the page replaced': { d: Object.assign(new Date(0), { toJSON: () => 'x' }) },
  'a cycle': (() => { const o = { a: 1 }; o.self = o; return o; })(),
  'deeper than 100': (() => { let o = { end: 1 }; for (let i = 0; i < 101; i++) o = { o }; return o; })()
};

for (const [rule, value] of Object.entries(NOT_READY)) {
  test('serialise, whole: ' + rule + ' is copied first (JSON alone would differ)', () => {
    assert.equal(jsonReady(value, 0, false), false);
    assert.equal(serialise(value, null), slow(value));
  });
}

test('serialise, whole: a getter that throws: its key left out, as by the copy', () => {
  const value = { ok: 1, get bad() { throw new Error('no'); } };
  assert.equal(serialise(value, null), '{"ok":1}');
});

test('serialise, whole: a page that replaced Date.prototype.toJSON still gets ISO text', () => {
  const saved = Date.prototype.toJSON;
  try {
    Date.prototype.toJSON = () => 'replaced'; // eslint-disable-line no-extend-native
    assert.equal(serialise({ d: new Date(0) }, null), '{"d":"1970-01-01T00:00:00.000Z"}');
  } finally {
    Date.prototype.toJSON = saved; // eslint-disable-line no-extend-native
  }
});

// An SDK message as RudderStack v3 makes it (undefined values among its keys, a Date in the
// page's properties): written by JSON.stringify directly.
const SDK_MESSAGE = {
  type: 'track', event: 'Order Completed', messageId: 'm-1', channel: 'web', userId: 'u1',
  properties: { total: 32.5, when: new Date(0), items: [{ sku: 'a', qty: 1 }], note: undefined },
  integrations: { All: true },
  context: {
    traits: { plan: 'pro' }, app: { name: 'RudderLabs JavaScript SDK', version: '3.34.1' },
    library: { name: 'RudderLabs JavaScript SDK', snippetVersion: undefined }, locale: 'en-US',
    screen: { width: 1280, height: 720, density: 1 }, campaign: {}, 'ua-ch': undefined,
    page: { path: '/', url: 'https://shop.test/', title: 'Shop', referrer: '$direct' }
  }
};

test('serialise, whole: an SDK message is written by JSON.stringify directly, the same text', () => {
  assert.equal(jsonReady(SDK_MESSAGE, 0, false), true);
  assert.equal(serialise(SDK_MESSAGE, null), slow(SDK_MESSAGE));
});

// Random values built from every kind plain() knows (several seeds): always the copy's text.
function randomValue(next, depth) {
  const kinds = ['s', 'n', 'nan', 'b', 'null', 'u', 'f', 'date', 'bad date', 'big', 'o', 'a', 'hole', 'boxed'];
  const kind = kinds[Math.floor(next() * (depth > 3 ? 10 : kinds.length))];
  switch (kind) {
    case 's': return 'x' + Math.floor(next() * 100);
    case 'n': return next() * 1000 - 500;
    case 'nan': return [NaN, Infinity, -0][Math.floor(next() * 3)];
    case 'b': return next() < 0.5;
    case 'null': return null;
    case 'u': return undefined;
    case 'f': return () => 1;
    case 'date': return new Date(Math.floor(next() * 1e12));
    case 'bad date': return new Date('x');
    case 'big': return BigInt(Math.floor(next() * 1e6));
    case 'o': return Object.fromEntries(Array.from({ length: Math.floor(next() * 4) }, (_, i) => ['k' + i, randomValue(next, depth + 1)]));
    case 'a': return Array.from({ length: Math.floor(next() * 4) }, () => randomValue(next, depth + 1));
    case 'hole': return [randomValue(next, depth + 1), , randomValue(next, depth + 1)]; // eslint-disable-line no-sparse-arrays
    default: return Object(randomValue(next, depth + 1));
  }
}

test('serialise, whole: random values, the copy\'s text every time (seeds 1-300)', () => {
  for (let seed = 1; seed <= 300; seed++) {
    let state = seed;
    const next = () => ((state = (state * 1103515245 + 12345) % 2147483648) / 2147483648);
    const value = { root: randomValue(next, 0), more: randomValue(next, 0) };
    assert.equal(serialise(value, null), slow(value), 'seed ' + seed);
  }
});
