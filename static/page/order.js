/* order.js: the page's calls in page order (docs/contract.md §4.6, §7).
 *
 * The SDK never hands reset() or consent() to an integration, and it hands messages over later
 * than the page made the calls (it buffers them until it has its config and its destinations are
 * ready). So watch.js logs every page call when the page makes it. Each identify/track/page/
 * group/alias call gets a callback (the page's own, wrapped), which the SDK calls with the message
 * when it makes it (live or replayed), so the log learns its messageId. A reset or consent is
 * handed over just before the first message of a call the page made after it, or once every call
 * before it is settled (its message taken, or known never to come). */

import { plain, serialise } from './serialise.js';
import { handOver } from './transport.js';

// The calls that make a message, and how many arguments each takes, its callback included.
export var MESSAGE_CALLS = { page: 5, track: 4, identify: 4, group: 4, alias: 4 };

/** Log one page call as the page makes it. `args` may change: our callback goes in. Returns the
 * log entry of a message call, else null. */
export function logCall(state, name, args) {
  if (MESSAGE_CALLS[name]) {
    var entry = { settled: false, id: null };
    state.log.push(entry);
    link(state, name, args, entry);
    return entry;
  }
  if (name === 'reset') state.log.push({ control: { type: 'reset' } });
  if (name === 'consent') {
    // The IDs as the page gave them, copied now (the page may reuse its object).
    var options = (args[0] && args[0].consentManagement) || {};
    var given = plain({ allowedConsentIds: options.allowedConsentIds,
      deniedConsentIds: options.deniedConsentIds }, []);
    state.log.push({ control: { type: 'consent', given: given } });
  }
  if (name === 'load') seeProvider(state, args[2] && args[2].consentManagement);
  // a reset with nothing unsettled before it goes now, before the SDK acts on it
  drain(state);
  return null;
}

// Put our callback where the SDK takes it: the first function among the call's arguments (the
// page's own, wrapped), else the next free place, at most the last one.
function link(state, type, args, entry) {
  var last = MESSAGE_CALLS[type] - 1;
  for (var i = type === 'page' ? 0 : 1; i <= last && i < args.length; i++) {
    if (typeof args[i] === 'function') { args[i] = linked(state, entry, args[i]); return; }
  }
  // v1.1 makes no message
  if (type === 'group' && !args.length) { entry.settled = true; return; }
  args[Math.min(args.length, last)] = linked(state, entry, null);
}

// The callback the SDK calls with the message it made for the call (v3: the message; v1.1:
// {message}); the page's own callback, if any, still runs, as a page call of its own.
function linked(state, entry, pageCallback) {
  return function (made) {
    var id = made && (made.messageId || (made.message && made.message.messageId));
    if (!entry.id && typeof id === 'string') { entry.id = id; state.byId[id] = entry; }
    if (state.calling === entry) state.calling = null;
    // made live: taken already (or filtered out), or on its way through the SDK's transformations
    if (state.sdkReady) messageMade(state, entry);
    if (typeof pageCallback !== 'function') return undefined;
    var saved = state.depth;
    state.depth = 0;
    try { return pageCallback.apply(this, arguments); } finally { state.depth = saved; }
  };
}

/** A message call that will make no message after all (or whose message was taken). */
export function settle(state, entry) {
  entry.settled = true;
  drain(state);
}

// How long a message may be on its way through RudderStack's Device Mode Transformations: the
// SDK's /transform request times out after 10 s and is tried 3 times (0.5 s, 1 s apart); after
// that it has handed over what came back, or the untransformed message, or given up.
export var SDK_TRANSFORM_WAIT_MS = 32000;

// The SDK made the call's message and handed it to the destinations queue. Without Device Mode
// Transformations the destination has it already. With them it is on its way to the data plane:
// the call settles when what comes back is taken (its messageId, or a later message: takeMessage),
// or, if nothing comes back (the transformation dropped it), once the SDK has given up.
function messageMade(state, entry) {
  if (!state.sdkTransforms || !entry.id) return settle(state, entry);
  if (entry.inFlight) return undefined;
  entry.inFlight = true;
  setTimeout(function () { if (!entry.settled) settle(state, entry); }, SDK_TRANSFORM_WAIT_MS);
  return undefined;
}

/** The SDK has replayed and handed over all it buffered: every call logged so far is settled
 * (with Device Mode Transformations, a message made is on its way: see messageMade). */
export function settleAll(state) {
  state.sdkReady = true;
  state.log.forEach(function (entry) {
    if (entry.control || entry.settled) return;
    if (state.sdkTransforms && entry.id) messageMade(state, entry);
    else entry.settled = true;
  });
  drain(state);
}

/** One message from the SDK: first what the page called before it, then the message. */
export function takeMessage(state, message) {
  var id = message && typeof message.messageId === 'string' ? message.messageId : null;
  // live calls: taken before the callback
  var entry = (id !== null && state.byId[id]) || state.calling;
  // a message of a messageId the page's calls never had, in the same go as another's (a
  // transformation that split one message and named the parts): part of that one
  if (!entry && state.sdkTransforms) entry = state.comingBack;
  if (entry && !entry.id && id !== null) { entry.id = id; state.byId[id] = entry; }
  var log = state.log, text = serialise(message, state.build.fields);
  var logged = entry && log.indexOf(entry) !== -1;
  if (state.sdkTransforms && logged) return cameBack(state, entry, text);
  if (logged) {
    // The SDK hands messages over in the order it made them: calls before this one made all theirs.
    for (var i = 0; log[i] !== entry; i++) if (!log[i].control) log[i].settled = true;
    drain(state, entry);
    entry.settled = true;
  }
  // (a message no page call made, e.g. the SDK's own, or one whose call was settled: at once)
  handOver(state, text);
  return drain(state);
}

// With Device Mode Transformations each message makes its own round trip to the data plane, and
// the answers come back in any order: what comes back for a call waits (in `parts`) until every
// call the page made before it is settled. A call before it whose message is on its way is waited
// for (at most until the SDK is done with its request, or SDK_TRANSFORM_WAIT_MS); one that made
// no message holds nothing up.
function cameBack(state, entry, text) {
  var log = state.log;
  for (var i = 0; log[i] !== entry; i++) {
    var earlier = log[i];
    if (earlier.control || earlier.settled) continue;
    if (earlier.id) messageMade(state, earlier);
    else earlier.settled = true;
  }
  (entry.parts = entry.parts || []).push(text);
  // What came back for one message is handed over in one go (a transformation may split it,
  // each part with its messageId): the call is settled once that go is over.
  if (!entry.closing) {
    entry.closing = true;
    state.comingBack = entry;
    Promise.resolve().then(function () {
      if (state.comingBack === entry) state.comingBack = null;
      settle(state, entry);
    });
  }
  drain(state);
}

/** The SDK is done with the data plane's answers for these messageIds (dataplane.js): what came
 * back has been taken; a call that got nothing back (the transformation dropped its message, or
 * the SDK did) holds nothing up from now on. */
export function answered(state, ids) {
  for (var i = 0; i < ids.length; i++) {
    var entry = state.byId[ids[i]];
    if (entry && !entry.settled) settle(state, entry);
  }
}

// Hand over every reset/consent whose earlier calls are all settled (stopping at `stopAt`), and
// what came back for them (cameBack). Nothing goes before the settings: until a way in has handed
// them over, resets and consents wait in `held`.
function drain(state, stopAt) {
  var log = state.log;
  while (log.length && log[0] !== stopAt) {
    var entry = log[0];
    while (entry.parts && entry.parts.length) handOver(state, entry.parts.shift());
    if (!entry.control && !entry.settled) return;
    log.shift();
    if (entry.id) delete state.byId[entry.id];
    if (entry.control && state.owner) release(state, entry.control);
    else if (entry.control) state.held.push(entry.control);
  }
}

/** The settings went over: the resets/consents held back go now, then what is due. */
export function releaseHeld(state) {
  var held = state.held.splice(0);
  for (var i = 0; i < held.length; i++) release(state, held[i]);
  drain(state);
}

// A consent reports what the page gave and every provider seen; Python remembers and chooses.
function release(state, control) {
  var item = control;
  if (control.type === 'consent') {
    seeSdkProviders(state);
    item = { type: 'consent', consent: { providers: state.providers.slice(), given: control.given } };
  }
  handOver(state, serialise(item, state.build.fields), true);
}

function seeProvider(state, consentManagement) {
  var provider = consentManagement && consentManagement.provider;
  if (typeof provider === 'string' && state.providers.indexOf(provider) === -1) {
    state.providers.push(provider);
  }
}

// The v3 SDK publishes its state per write key, consent provider included.
function seeSdkProviders(state) {
  try {
    var globals = window.RudderStackGlobals || {};
    Object.keys(globals).forEach(function (key) {
      var sdk = globals[key] && globals[key].state;
      var provider = sdk && sdk.consents && sdk.consents.provider && sdk.consents.provider.value;
      seeProvider(state, { provider: provider });
    });
  } catch (e) {}
}
