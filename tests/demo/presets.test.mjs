// The form's fields -> the SDK call (presets.mjs): node --test tests/demo/
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { PRESETS, callOf } from '../../static/demo/presets.mjs';

test('each call type takes its own fields, in the SDK argument order', () => {
  const f = { userId: 'u', event: 'E', category: 'C', pageName: 'P', groupId: 'g', to: 'new',
    from: 'old', payload: '{"a": 1}' };
  assert.deepEqual(callOf('identify', f), { type: 'identify', name: 'u', args: ['u', { a: 1 }] });
  assert.deepEqual(callOf('track', f), { type: 'track', name: 'E', args: ['E', { a: 1 }] });
  assert.deepEqual(callOf('page', f), { type: 'page', name: 'P', args: ['C', 'P', { a: 1 }] });
  assert.deepEqual(callOf('group', f), { type: 'group', name: 'g', args: ['g', { a: 1 }] });
  assert.deepEqual(callOf('alias', f), { type: 'alias', name: 'new', args: ['new', 'old'] });
  assert.deepEqual(callOf('alias', { to: 'new' }), { type: 'alias', name: 'new', args: ['new'] });
  assert.deepEqual(callOf('reset', f), { type: 'reset', args: [] });
});

test('an empty payload is left out; {"$date": …} becomes a Date; broken JSON is an error', () => {
  assert.deepEqual(callOf('track', { event: 'E', payload: '  ' }).args, ['E', undefined]);
  const [, props] = callOf('track', { event: 'E', payload: '{"at": {"$date": "2026-01-31T12:00:00Z"}}' }).args;
  assert.ok(props.at instanceof Date);
  assert.equal(props.at.toISOString(), '2026-01-31T12:00:00.000Z');
  const broken = PRESETS.find(function (p) { return p.id === 'broken'; });
  assert.match(callOf('track', { event: 'E', payload: broken.raw }).error, /JSON/);
});
