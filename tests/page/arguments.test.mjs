// Where our callback goes in each page call (static/page/order.js logCall/link), checked against
// the RudderStack v3 SDK's own argument normalisers (pageArgumentsToCallOptions and its siblings,
// read from the installed bundle): for every call type in every signature form the SDK accepts,
// the SDK must read the page's own arguments exactly as it would without us, and our callback as
// the call's callback (which runs the page's own, if any).

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';

import { createState } from '../../static/page/state.js';
import { logCall } from '../../static/page/order.js';
import { fakeBrowser } from './fake.mjs';

const SDK_FILE = new URL('../../node_modules/@rudderstack/analytics-js/dist/npm/modern/bundled/umd/index.js', import.meta.url);

/** The SDK's normalisers, from its bundle's text: { page, track, identify, group, alias }. Its
 * helpers are the bundle's one-liners; clone, tryStringify and mergeDeepRight are stand-ins that
 * keep values as they are (what is compared here is where each argument lands). */
function sdkNormalisers() {
  const text = readFileSync(SDK_FILE, 'utf8');
  const start = text.indexOf('const pageArgumentsToCallOptions=');
  const group = text.indexOf('const groupArgumentsToCallOptions=');
  assert.ok(start > 0 && group > start, 'the SDK bundle has its argument normalisers');
  const end = text.indexOf('return payload;};', group) + 'return payload;};'.length;
  const helpers = ['isFunction', 'isString', 'isNull', 'isUndefined', 'isDefined', 'isNullOrUndefined',
    'isDefinedAndNotNull', 'isObjectLiteralAndNotNull'].map((name) => {
    const found = text.match(new RegExp('const ' + name + '=[^;]*;'));
    assert.ok(found, 'the SDK bundle defines ' + name);
    return found[0];
  });
  const stand = 'const clone = (v) => v; const tryStringify = (v) => v;' +
    'const mergeDeepRight = (a, b) => ({ ...a, ...b });';
  const names = ['page', 'track', 'identify', 'alias', 'group'];
  return new Function(helpers.join('\n') + stand + text.slice(start, end) + '\nreturn {' +
    names.map((n) => n + ': ' + n + 'ArgumentsToCallOptions').join(', ') + '};')();
}

const SDK = sdkNormalisers();
const P = { plan: 'pro' }; // properties or traits
const O = { integrations: { All: true } }; // the page's own options
const FORMS = {
  page: [[], ['Home'], ['Docs', 'Home'], ['Home', P], ['Docs', 'Home', P], ['Docs', 'Home', P, O],
    [P], [P, O], ['Home', P, O], ['Docs', P], ['Docs', null, P, O]],
  track: [['Signup'], ['Signup', P], ['Signup', P, O], ['Signup', null, O]],
  identify: [['u1'], ['u1', P], ['u1', P, O], [P], [P, O], [null, P], ['u1', null, O]],
  group: [['g1'], ['g1', P], ['g1', P, O], [P], [P, O], ['g1', null, O]],
  alias: [['new'], ['new', 'old'], ['new', 'old', O], ['new', O], ['new', null, O]]
};

function placed(name, pageArgs) {
  fakeBrowser();
  const state = createState({ boot: 'worker', fields: null }, null, 'https://cdn.test/heap/');
  const args = pageArgs.slice();
  const entry = logCall(state, name, args);
  return { state, args, entry };
}

for (const [name, forms] of Object.entries(FORMS)) {
  for (const form of forms) {
    for (const withCallback of [false, true]) {
      const label = name + '(' + form.map((a) => JSON.stringify(a)).join(', ') + (withCallback ? ', callback' : '') + ')';
      test(label + ': the SDK reads the page\'s arguments as without us, and calls our callback', () => {
        const pageCalls = [];
        const pageCallback = function (message) { pageCalls.push(message.messageId); return 'page'; };
        const pageArgs = withCallback ? [...form, pageCallback] : form;
        const alone = SDK[name](...pageArgs);
        const { args, entry, state } = placed(name, pageArgs);
        const withUs = SDK[name](...args);
        assert.equal(typeof withUs.callback, 'function', 'the SDK found a callback');
        const { callback: ours, ...read } = withUs;
        const { callback: theirs, ...expected } = alone;
        assert.deepEqual(read, expected);
        assert.equal(theirs, withCallback ? pageCallback : undefined);
        assert.ok(args.length <= (name === 'page' ? 5 : 4), 'no argument past the SDK\'s last');
        // the SDK calls the callback with the message it made: the call learns its messageId,
        // and the page's own callback runs with it
        assert.equal(ours({ messageId: 'm-1' }), withCallback ? 'page' : undefined);
        assert.equal(entry.id, 'm-1');
        assert.equal(state.byId['m-1'], entry);
        assert.deepEqual(pageCalls, withCallback ? ['m-1'] : []);
      });
    }
  }
}

for (const args of [[], [true]]) {
  test(`reset(${args.join(', ')}): its arguments go to the SDK untouched, logged as a reset`, () => {
    const placedReset = placed('reset', args);
    assert.equal(placedReset.entry, null);
    assert.deepEqual(placedReset.args, args);
    // due at once, held until the settings go over (no way in has started yet)
    assert.deepEqual(placedReset.state.held, [{ type: 'reset' }]);
  });
}
