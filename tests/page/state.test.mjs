// The URL of each file of a build: what it loads is named by its content (BUILD.paths).

import assert from 'node:assert/strict';
import { test } from 'node:test';

import { fileUrl } from '../../static/page/state.js';

const BASE = 'https://a.test/heap/';
const PATHS = {
  'heap-device-runtime.js': 'heap-device-runtime.0123456789ab.js',
  'micropython/': 'micropython.ba9876543210/',
  'heap_device/': 'heap_device.aaaaaaaaaaaa/'
};

const CASES = [
  ['a top-level file', 'heap-device-runtime.js', BASE + 'heap-device-runtime.0123456789ab.js'],
  ['a file in a folder', 'micropython/micropython.wasm', BASE + 'micropython.ba9876543210/micropython.wasm'],
  ['deeper in a folder', 'heap_device/browser/main.py', BASE + 'heap_device.aaaaaaaaaaaa/browser/main.py'],
  ['a folder the build does not rename', 'pyscript/core.js', BASE + 'pyscript/core.js']
];

for (const [rule, name, url] of CASES) {
  test(rule, () => {
    assert.equal(fileUrl({ base: BASE, build: { paths: PATHS } }, name), url);
  });
}

test('a build without paths loads the names as they are', () => {
  assert.equal(fileUrl({ base: BASE, build: {} }, 'micropython/micropython.mjs'),
    BASE + 'micropython/micropython.mjs');
});
