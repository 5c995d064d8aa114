// The chain of trust (static/page/trust.js): a file runs only with the bytes its build wrote.

import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { test } from 'node:test';

import { fetchVerified, sha384, verify } from '../../static/page/trust.js';
import { fakeBrowser } from './fake.mjs';

const subtle = globalThis.crypto.subtle;
const BYTES = new TextEncoder().encode('print("heap-device")').buffer;
// what heap_device/tools/snippet.integrity writes for the same bytes
const SRI = 'sha384-' + createHash('sha384').update(new Uint8Array(BYTES)).digest('base64');
const URL_ = 'https://cdn.test/heap/micropython.0123456789ab/micropython.wasm';

test('sha384 is the SRI value the build writes', async () => {
  assert.equal(await sha384(BYTES, subtle), SRI);
});

test('the bytes the build wrote pass, unchanged', async () => {
  assert.equal(await verify(URL_, BYTES, SRI, subtle), BYTES);
});

test('one byte changed: refused, with a line naming the file, both hashes and the fix', async () => {
  const changed = new Uint8Array(BYTES.slice(0));
  changed[0] ^= 1;
  const error = await verify(URL_, changed.buffer, SRI, subtle).then(() => null, (e) => e);
  assert.ok(error && error.refused, 'refused');
  assert.ok(error.refused.startsWith(URL_ + ' is not the file this build wrote (sha384 sha384-'));
  assert.ok(error.refused.includes('the build wrote ' + SRI));
  assert.ok(error.refused.includes('Fix: upload the whole folder one heap-device build wrote again'));
});

test('no hash in the build (an older build): runs unverified, silently', async () => {
  const { lines } = fakeBrowser();
  assert.equal(await verify(URL_, BYTES, undefined, subtle), BYTES);
  assert.deepEqual(lines, []);
});

test('no SubtleCrypto (an http: page, not a secure context): runs unverified, one warning', async () => {
  const { lines } = fakeBrowser();
  assert.equal(await verify(URL_, BYTES, SRI, null), BYTES);
  assert.equal(await verify(URL_, BYTES, 'sha384-other', null), BYTES);
  assert.deepEqual(lines.map((l) => l[0]), ['warn']);
  assert.match(lines[0][1], /^heap-device: files are not verified on this page: it is not a secure context/);
});

test('fetchVerified: fetched bytes verified; an HTTP error rejects naming the file', async () => {
  const saved = globalThis.fetch;
  try {
    globalThis.fetch = async (url) => new Response(url.includes('missing') ? 'no' : BYTES, { status: url.includes('missing') ? 404 : 200 });
    assert.deepEqual(new Uint8Array(await fetchVerified(URL_, SRI, subtle)), new Uint8Array(BYTES));
    await assert.rejects(fetchVerified(URL_, 'sha384-other', subtle), (e) => Boolean(e.refused));
    const wasm = 'https://cdn.test/heap/micropython.0123456789ab/missing.wasm';
    await assert.rejects(fetchVerified(wasm, SRI, subtle), { message: 'fetching of the wasm failed: ' + wasm + ' answered HTTP 404' });
    const pack = 'https://cdn.test/heap/heap_device.0123456789ab/missing.bin';
    await assert.rejects(fetchVerified(pack, SRI, subtle), { message: 'fetching of missing.bin failed: ' + pack + ' answered HTTP 404' });
  } finally {
    globalThis.fetch = saved;
  }
});
