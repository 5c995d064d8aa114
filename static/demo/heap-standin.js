/* The one stand-in for Heap's heap.js, used by the demo, the e2e tests and the bench in place of
 * Heap's CDN (the local server serves it at /heap-standin.js; tests also answer Heap's CDN URLs with
 * it). Like heap.js it takes over window.heap, replays the loader stub's queue (v5 heapReadyCb or
 * the classic array) and sets heap.loaded. It sends nothing anywhere; it records, on window:
 *   __heapCalls       every call as [method, args], JSON-cloned (what Heap would have received)
 *   __heapLoadCount   how many times a heap.js arrived (Heap must load once)
 *   __heapLoadedWith  the stub's appid, envId, config and clientConfig
 *   __heapLoadedAt, __firstCallAt, __lastCallAt   performance.now() marks (demo timeline, bench)
 *   __heapNotPlain    calls given an object that is not a plain one (a Python proxy, say)
 * and says it arrived with a window event, "heap-standin:loaded" ({t}: when), once it has replayed
 * the queue (the demo's start-up timeline listens for it). */
(function () {
  'use strict';
  var calls = (window.__heapCalls = window.__heapCalls || []);
  var stub = window.heap || {};
  window.__heapLoadCount = (window.__heapLoadCount || 0) + 1;
  window.__heapLoadedAt = performance.now();
  window.__heapLoadedWith = JSON.parse(JSON.stringify({
    appid: stub.appid, envId: stub.envId, config: stub.config, clientConfig: stub.clientConfig
  }));
  var heap = { appid: stub.appid, envId: stub.envId, loaded: true, standin: true };
  ['identify', 'addUserProperties', 'track', 'addAccountProperties', 'resetIdentity',
    'addEventProperties', 'clearEventProperties', 'removeEventProperty', 'setEventProperties',
    'unsetEventProperty', 'startTracking', 'stopTracking', 'trackPageview',
    'identifyHashed', 'addPageviewProperties', 'removePageviewProperty',
    'clearPageviewProperties'].forEach(function (name) {
    heap[name] = function () {
      var args = Array.prototype.slice.call(arguments);
      var now = performance.now();
      if (window.__firstCallAt === undefined) window.__firstCallAt = now;
      window.__lastCallAt = now;
      args.forEach(function (a) {
        if (a && typeof a === 'object' && !Array.isArray(a) &&
            Object.getPrototypeOf(a) !== Object.prototype) {
          window.__heapNotPlain = (window.__heapNotPlain || 0) + 1;
        }
      });
      calls.push(JSON.parse(JSON.stringify([name, args])));
    };
  });
  // The rest of the v5 snippet's methods, so a site that uses them works (heap_calls, the pytest
  // plugin, serves this file to any site): readers answer, onReady runs, nothing is recorded.
  heap.getUserId = function () { return 'standin-user'; };
  heap.getSessionId = function () { return 'standin-session'; };
  heap.getIdentity = function () { return null; };
  heap.onReady = function (fn) { if (typeof fn === 'function') fn(); };
  ['init', 'addAdapter', 'addTransformer', 'addTransformerFn'].forEach(function (name) {
    heap[name] = function () {};
  });
  window.heap = heap;
  if (Array.isArray(stub)) {
    stub.forEach(function (entry) { if (heap[entry[0]]) heap[entry[0]].apply(heap, entry.slice(1)); });
  }
  (window.heapReadyCb || []).forEach(function (entry) { entry.fn(); });
  window.heapReadyCb = [];
  window.dispatchEvent(new CustomEvent('heap-standin:loaded', { detail: { t: window.__heapLoadedAt } }));
})();
