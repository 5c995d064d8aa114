/* watch.js: see every call the page makes on window.rudderanalytics, in page order: the loading
 * snippet's stub array, then the SDK's instance that replaces it (or v1.1's module object). */

import { logCall, settle } from './order.js';

var HOOKED = ['load', 'page', 'track', 'identify', 'group', 'alias', 'reset', 'consent'];

/** `fn` that logs each call before making it; a nested call (e.g. the snippet's stub calling the
 * SDK) is the same page call. */
export function wrap(state, name, fn) {
  if (typeof fn !== 'function' || fn.heapDeviceOriginal) return fn;
  var wrapper = function () {
    if (state.depth) return fn.apply(this, arguments);
    var args = Array.prototype.slice.call(arguments);
    var entry = null;
    try { entry = logCall(state, name, args); } catch (e) { args = Array.prototype.slice.call(arguments); }
    var outer = state.calling;
    if (entry) state.calling = entry;
    state.depth++;
    try { return fn.apply(this, args); } finally {
      state.depth--;
      state.calling = outer;
      // it made no message (one on its way through the SDK's transformations settles later)
      if (entry && state.sdkReady && !entry.settled && !entry.inFlight) settle(state, entry);
    }
  };
  wrapper.heapDeviceOriginal = fn;
  return wrapper;
}

/** Wrap the methods of what window.rudderanalytics holds, also those assigned to it later (the
 * snippet fills its array after creating it). The calls the snippet buffered before this tag ran
 * are logged as the page made them. */
export function watch(state, target) {
  if (!target || typeof target !== 'object' || watchedBefore(state, target)) return;
  if (Array.isArray(target)) {
    target.forEach(function (call) {
      if (!Array.isArray(call) || typeof call[0] !== 'string') return;
      var args = call.slice(1);
      logCall(state, call[0], args);
      call.length = 1;
      Array.prototype.push.apply(call, args);
    });
    if (state.tagDestinationId) {
      target.push(['addCustomIntegration', state.tagDestinationId, state.customIntegration]);
    }
  }
  HOOKED.forEach(function (name) {
    var own = Object.getOwnPropertyDescriptor(target, name);
    if (own && (!own.configurable || !('value' in own))) return;
    var current = wrap(state, name, target[name]);
    try {
      Object.defineProperty(target, name, {
        configurable: true, enumerable: own ? own.enumerable : true,
        get: function () { return current; },
        set: function (fn) { current = wrap(state, name, fn); }
      });
    // a frozen object: its calls go unlogged, never broken
    } catch (e) {}
  });
}

function watchedBefore(state, target) {
  if (state.watched.indexOf(target) !== -1) return true;
  state.watched.push(target);
  return false;
}

/** Watch window.rudderanalytics now and whatever is assigned to it later. */
export function watchGlobal(state) {
  var current = window.rudderanalytics;
  watch(state, current);
  try {
    Object.defineProperty(window, 'rudderanalytics', {
      configurable: true, enumerable: true,
      get: function () { return current; },
      set: function (value) {
        current = value;
        // never into the SDK's or the page's assignment
        try { watch(state, value); } catch (e) {}
      }
    });
  // declared with var by the page: the calls of what it holds now are still seen
  } catch (e) {}
}
