/* transport.js: hand items (JSON text) over to Python; queue them until it runs; say once if it
 * never can. Python answers with batches that heap.js applies. */

import { PREFIX } from './state.js';

// Bounded: if the runtime never comes (blocked), a long-lived page must not grow forever. Past the
// cap the oldest item that may go goes, with one warning; the settings, resets and consents stay.
export var QUEUE_CAP = 1000;

/** Hand one item over to Python (or queue it until Python runs). keep: the cap never drops it. */
export function handOver(state, text, keep) {
  // could not be serialised (serialise.js said so)
  if (text === null) return;
  if (state.onHandOver) state.onHandOver(text);
  if (state.receiver) return handOverNow(state.receiver, text);
  // nothing will ever take it (the error said why)
  if (state.failed) return;
  var queue = state.queue;
  queue.push({ text: text, keep: !!keep, posted: -1 });
  if (state.ahead) sendAhead(state, queue[queue.length - 1]);
  // The cap counts messages: + 1 for the settings item.
  if (queue.length <= QUEUE_CAP + 1) return;
  for (var i = 0; i < queue.length && queue[i].keep; i++) {}
  if (i < queue.length) {
    // one the worker holds goes there too (by its number)
    if (queue[i].posted >= 0) state.ahead(queue[i].posted);
    queue.splice(i, 1);
  }
  if (!state.capWarned) {
    console.warn(PREFIX + QUEUE_CAP + ' messages wait for the Python runtime, which has not ' +
      'started; the oldest are dropped from now on');
  }
  state.capWarned = true;
}

function sendAhead(state, entry) {
  entry.posted = state.sentAhead++;
  state.ahead(entry.text);
}

function handOverNow(receiver, text) {
  try { receiver(text); } catch (e) { console.error(PREFIX + 'could not hand over a message', e); }
}

/** A worker is starting Python: from now on each item is also sent to it at once, through
 * `send(text)`, and held there until Python runs (what waits already goes first); a dropped one is
 * unsent, `send(number)`, the number being its place among those sent. The worker then answers
 * the settings as soon as Python runs, without waiting for the page's main thread, which is often
 * busy with the SDK's own start just then. The queue keeps every item until Python runs. */
export function sendAheadTo(state, send) {
  if (state.failed || state.receiver) return;
  state.ahead = send;
  state.queue.forEach(function (entry) { if (entry.posted < 0) sendAhead(state, entry); });
}

/** The worker that was sent items ahead is gone (Python starts elsewhere): nothing was sent. */
export function takeBackAhead(state) {
  state.ahead = null;
  state.sentAhead = 0;
  state.queue.forEach(function (entry) { entry.posted = -1; });
}

/** Python takes items now, through `receiver(text)`: what queued up goes first, in order (also
 * what is handed over while it goes: Python on the page may make the page call the SDK); what
 * was sent ahead is Python's already. */
export function running(state, receiver) {
  if (state.onRunning) state.onRunning();
  state.ahead = null;
  while (state.queue.length) {
    var entry = state.queue.shift();
    if (entry.posted < 0) handOverNow(receiver, entry.text);
  }
  state.receiver = receiver;
}

/** The runtime could not start (its .wasm blocked or missing, or a Content-Security-Policy refuses
 * it): one clear error naming the cause and the fix; from then on items are dropped. */
export function fail(state, cause) {
  if (state.failed || state.receiver) return;
  state.failed = true;
  state.queue.length = 0;
  state.ahead = null;
  console.error(PREFIX + 'the Python runtime could not start (' + cause + '), so Heap gets no ' +
    'events. Fix: serve ' + state.base + ' (the whole folder heap-device build wrote, .wasm as ' +
    "application/wasm) and allow 'wasm-unsafe-eval' in the Content-Security-Policy (see " +
    "docs/security.md; the PyScript build also needs 'unsafe-eval').");
}

/** A file of the build is not the one the build wrote (trust.js): `refused` names it and the
 * fix, said once as the only error; from then on items are dropped, as after fail(). */
export function refuse(state, refused) {
  if (state.failed || state.receiver) return;
  state.failed = true;
  state.queue.length = 0;
  state.ahead = null;
  console.error(PREFIX + refused);
}

/** Whether `text` (a URL, or an error's stack) names a file we started: our own tag or a file of
 * this build (BUILD.paths: the runtime script and each folder the build wrote). The page's own
 * scripts, even beside ours, are not ours. */
export function namesOurFile(state, text) {
  if (typeof text !== 'string' || !text) return false;
  var paths = state.build.paths, ours = state.entryUrl ? [state.entryUrl] : [];
  if (!paths) ours.push(state.base);
  for (var key in paths || {}) ours.push(state.base + paths[key]);
  for (var i = 0; i < ours.length; i++) if (text.indexOf(ours[i]) !== -1) return true;
  return false;
}

/** Turn the browser's word that our runtime was refused (CSP) or aborted into fail(). Only what
 * our own files did counts (the event names one of them); the page's own refusals and
 * rejections stay the page's, untouched. */
export function listenForFailures(state) {
  window.addEventListener('securitypolicyviolation', function (e) {
    // 'eval' stops PyScript only: a page's own refused eval must not count against the others.
    var refused = (e.blockedURI === 'eval' && state.build.boot === 'pyscript') || e.blockedURI === 'wasm-eval';
    if (refused && namesOurFile(state, e.sourceFile)) {
      fail(state, "the page's Content-Security-Policy refused " + e.blockedURI + ' (' +
        e.effectiveDirective + ')');
    }
  });
  // e.g. Emscripten's Aborted(...), raised in our interpreter's script
  window.addEventListener('unhandledrejection', function (e) {
    var reason = e.reason;
    if (state.receiver || !reason || !namesOurFile(state, String(reason.stack))) return;
    fail(state, String(reason.message || reason));
    // said once, in our words, above
    e.preventDefault();
  });
}
