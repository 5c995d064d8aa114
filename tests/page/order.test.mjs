// The page's call order (docs/contract.md §4.6, §7, §8), against a fake RudderStack SDK: what
// Python receives, in which order, for every way the SDKs make and hand over messages.

import assert from 'node:assert/strict';
import { test } from 'node:test';

import { QUEUE_CAP } from '../../static/page/transport.js';
import { FakeSdk, fakePage, labels, loadingSnippet, tick } from './fake.mjs';

const ra = () => window.rudderanalytics;

for (const form of ['v3', 'v1']) {
  test(`${form}: calls buffered in the snippet reach Python in page order, reset among them`, async () => {
    const page = fakePage();
    loadingSnippet();
    ra().identify('u1');
    ra().track('a');
    ra().reset();
    ra().track('b');
    const sdk = new FakeSdk(page, { form });
    sdk.takeOver();
    sdk.load();
    page.python.run();
    assert.deepEqual(labels(page.handed), ['settings']); // nothing handed to the destination yet
    sdk.flush();
    assert.deepEqual(labels(page.handed), ['settings', 'identify:u1', 'track:a', 'reset', 'track:b']);
  });

  test(`${form}: the callback links each message to its call (its form: ${form === 'v3' ? 'the message' : '{message}'})`, () => {
    const page = fakePage();
    loadingSnippet();
    ra().track('a');
    const sdk = new FakeSdk(page, { form });
    sdk.takeOver();
    sdk.load();
    assert.deepEqual(Object.keys(page.state.byId), ['msg-1']);
  });

  test(`${form}: a reset after calls the SDK filtered out goes once the SDK is ready`, async () => {
    const page = fakePage();
    loadingSnippet();
    ra().track('filtered');
    ra().reset();
    const sdk = new FakeSdk(page, { form, filtered: (m) => m.event === 'filtered' });
    sdk.takeOver();
    sdk.load();
    sdk.flush();
    page.python.run();
    assert.deepEqual(labels(page.handed), ['settings']); // the filtered call may still come
    sdk.ready();
    await tick();
    assert.deepEqual(labels(page.handed), ['settings', 'reset']);
  });
}

test('a reset after a filtered call goes before the next message the SDK hands over', () => {
  const page = fakePage();
  loadingSnippet();
  ra().track('filtered');
  ra().reset();
  ra().track('b');
  const sdk = new FakeSdk(page, { filtered: (m) => m.event === 'filtered' });
  sdk.takeOver();
  sdk.load();
  sdk.flush();
  page.python.run();
  assert.deepEqual(labels(page.handed), ['settings', 'reset', 'track:b']);
});

test('live calls, filtered or not, keep their order with resets once the SDK is ready', async () => {
  const page = fakePage();
  const sdk = new FakeSdk(page, { filtered: (m) => m.event === 'filtered' });
  sdk.takeOver();
  sdk.load();
  sdk.ready();
  await tick();
  page.python.run();
  ra().track('a');
  ra().reset();
  ra().track('filtered');
  ra().reset();
  ra().identify('u2');
  assert.deepEqual(labels(page.handed), ['settings', 'track:a', 'reset', 'reset', 'identify:u2']);
});

test("the SDK's own messages (no page call, no callback) leave the page's order alone", () => {
  const page = fakePage();
  loadingSnippet();
  ra().track('a');
  ra().reset();
  ra().track('b');
  const sdk = new FakeSdk(page);
  sdk.takeOver();
  sdk.own({ type: 'track', event: 'ajs query' });
  sdk.load();
  sdk.flush();
  page.python.run();
  assert.deepEqual(labels(page.handed), ['settings', 'track:ajs query', 'track:a', 'reset', 'track:b']);
});

test("calls made on the SDK before its config came (its own buffer) keep page order", () => {
  const page = fakePage();
  const sdk = new FakeSdk(page);
  sdk.takeOver();
  ra().identify('u1');
  ra().reset();
  ra().identify('u2');
  sdk.load();
  sdk.flush();
  page.python.run();
  assert.deepEqual(labels(page.handed), ['settings', 'identify:u1', 'reset', 'identify:u2']);
});

test('calls the snippet buffered before this tag ran are logged as the page made them', () => {
  const page = fakePage({ watchFirst: false });
  loadingSnippet();
  window.rudderanalytics.track('a'); // not watched yet: the stub pushes ['track', 'a']
  window.rudderanalytics.reset();
  window.rudderanalytics.track('b');
  page.watch();
  const sdk = new FakeSdk(page);
  sdk.takeOver();
  sdk.load();
  sdk.flush();
  page.python.run();
  assert.deepEqual(labels(page.handed), ['settings', 'track:a', 'reset', 'track:b']);
});

test('a reset before any destination started goes after the settings, never before', () => {
  const page = fakePage();
  const sdk = new FakeSdk(page);
  sdk.takeOver();
  page.python.run();
  ra().reset(); // nothing unsettled before it: due now, but Python has no settings yet
  assert.deepEqual(page.handed, []);
  sdk.load();
  assert.deepEqual(labels(page.handed), ['settings', 'reset']);
});

test('past the queue cap the oldest messages go; the settings, resets and consents stay', async () => {
  const page = fakePage();
  const sdk = new FakeSdk(page);
  sdk.takeOver();
  sdk.load();
  sdk.ready();
  await tick();
  ra().reset();
  ra().consent({ consentManagement: { allowedConsentIds: ['c1'] } });
  for (let i = 0; i < QUEUE_CAP + 5; i++) ra().track('e' + i);
  ra().reset();
  assert.equal(page.state.queue.length, QUEUE_CAP + 1);
  page.python.run();
  const got = labels(page.handed);
  const firstKept = QUEUE_CAP + 5 - (QUEUE_CAP + 1 - 4); // the cap counts the 4 kept items too
  assert.deepEqual(got.slice(0, 4), ['settings', 'reset', 'consent', 'track:e' + firstKept]);
  assert.deepEqual(got.slice(-2), ['track:e' + (QUEUE_CAP + 4), 'reset']);
  assert.equal(page.lines.filter((l) => l[0] === 'warn').length, 1);
});

test("the page's own callback still runs, with the SDK's arguments, this and return value", () => {
  const page = fakePage();
  const sdk = new FakeSdk(page);
  sdk.takeOver();
  sdk.load();
  const seen = [];
  const that = { name: 'caller' };
  sdk.make = function (message, callback) { seen.push(callback.call(that, message, 'extra')); };
  ra().track('a', {}, {}, function (message, extra) {
    seen.push([message.messageId, extra, this.name]);
    return 'page result';
  });
  assert.deepEqual(seen, [['msg-1', 'extra', 'caller'], 'page result']);
});

test('calls the page makes inside its callback are page calls of their own, in order', async () => {
  const page = fakePage();
  const sdk = new FakeSdk(page);
  sdk.takeOver();
  sdk.load();
  sdk.ready();
  await tick();
  page.python.run();
  ra().track('a', {}, {}, () => { ra().reset(); ra().track('inner'); });
  ra().track('b');
  assert.deepEqual(labels(page.handed), ['settings', 'track:a', 'reset', 'track:inner', 'track:b']);
});

test('a call the SDK makes inside one of ours (e.g. a stub calling the SDK) is the same page call', async () => {
  const page = fakePage();
  const sdk = new FakeSdk(page);
  const inner = [];
  sdk.instance.alias = function (...args) { inner.push(args); return this.track('via alias'); };
  sdk.instance.track = function (...args) { inner.push(args); return sdk.call('track', args, true); };
  sdk.takeOver();
  sdk.load();
  sdk.ready();
  await tick();
  page.python.run();
  ra().alias('x');
  assert.equal(inner.length, 2);
  assert.equal(typeof inner[0][1], 'function'); // our callback, on the page's call
  assert.deepEqual(inner[1], ['via alias']); // the nested call is passed on untouched
  assert.deepEqual(page.state.log, []);
  assert.deepEqual(labels(page.handed), ['settings', 'track:via alias']);
});

test('both ways in at once: one settings item, each message once, one warning', () => {
  const page = fakePage({ tagDestinationId: 'cdm-1' });
  loadingSnippet();
  ra().track('a');
  ra().reset();
  ra().track('b');
  const sdk = new FakeSdk(page, { ways: ['Heap.io', 'Custom Device Mode'] });
  sdk.takeOver();
  sdk.load();
  sdk.flush();
  page.python.run();
  assert.deepEqual(labels(page.handed), ['settings', 'track:a', 'reset', 'track:b']);
  const warnings = page.lines.filter((l) => l[0] === 'warn');
  assert.equal(warnings.length, 1);
  assert.match(warnings[0][1], /both a "Heap.io" and a "Custom Device Mode"/);
});

test('Custom Device Mode through data-destination-id: the snippet registers us, settings name it', () => {
  const page = fakePage({ tagDestinationId: 'cdm-1' });
  const snippet = loadingSnippet();
  assert.deepEqual(snippet.at(-1).slice(0, 2), ['addCustomIntegration', 'cdm-1']);
  assert.equal(snippet.at(-1)[2], page.state.customIntegration);
  ra().track('a');
  const sdk = new FakeSdk(page, { ways: ['Custom Device Mode'] });
  sdk.takeOver();
  sdk.load({ blacklistedEvents: [] });
  sdk.flush();
  page.python.run();
  assert.deepEqual(page.handed[0], { config: { blacklistedEvents: [] }, options: null, dev: false, destinationId: 'cdm-1' });
  assert.deepEqual(labels(page.handed), ['settings', 'track:a']);
});

test("the Heap.io way names its destination in the settings (destinationInfo beats the tag's)", () => {
  const page = fakePage({ tagDestinationId: 'cdm-1' });
  const sdk = new FakeSdk(page, { destinationId: 'heap-9' });
  sdk.takeOver();
  sdk.load({ appId: 'app-1' });
  page.python.run();
  assert.deepEqual(page.handed, [{ config: { appId: 'app-1' }, options: null, dev: false, destinationId: 'heap-9' }]);
});

test('a consent reports the IDs the page gave and every provider seen; nothing remembered', () => {
  const page = fakePage();
  loadingSnippet();
  ra().load('key', 'https://dp.test', { consentManagement: { enabled: true, provider: 'custom' } });
  const ids = { allowedConsentIds: ['a'], deniedConsentIds: ['b'] };
  ra().consent({ consentManagement: ids });
  ids.allowedConsentIds.push('later'); // the page reuses its object: we copied it
  window.RudderStackGlobals = { key: { state: { consents: { provider: { value: 'oneTrust' } } } } };
  ra().consent({ consentManagement: { allowedConsentIds: ['c'] } });
  const sdk = new FakeSdk(page);
  sdk.takeOver();
  sdk.load();
  page.python.run();
  assert.deepEqual(page.handed.slice(1), [
    { type: 'consent', consent: { providers: ['custom', 'oneTrust'], given: ids && { allowedConsentIds: ['a'], deniedConsentIds: ['b'] } } },
    { type: 'consent', consent: { providers: ['custom', 'oneTrust'], given: { allowedConsentIds: ['c'] } } }
  ]);
});

test('a live message handed over before its callback ran still comes after the resets before it', () => {
  const page = fakePage();
  loadingSnippet();
  ra().track('filtered'); // unsettled until the SDK is ready: it holds the reset back
  const sdk = new FakeSdk(page, { filtered: (m) => m.event === 'filtered' });
  sdk.takeOver();
  sdk.load();
  sdk.flowing = true; // its queue runs, RSA_Ready has not come yet
  page.python.run();
  ra().reset();
  ra().track('a'); // handed over inside the call, before its callback
  assert.deepEqual(labels(page.handed), ['settings', 'reset', 'track:a']);
  assert.equal(page.state.calling, null);
});

test('v1.1: group() with no arguments makes no message and holds nothing up', async () => {
  const page = fakePage();
  loadingSnippet();
  ra().group();
  ra().reset();
  const sdk = new FakeSdk(page, { form: 'v1', filtered: (m) => m.type === 'group' });
  sdk.takeOver();
  sdk.load();
  page.python.run();
  assert.deepEqual(labels(page.handed), ['settings', 'reset']);
});
