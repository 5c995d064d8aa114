/* The demo's offline stand-in for Heap's heap.js (served at /heap-standin.js; the demo's snippet
 * points the loader at it with the scriptUrl tag option). It does what heap.js does on arrival:
 * replaces the stub on window.heap, runs the calls the stub queued, and sets heap.loaded. Each call
 * it receives is kept, as JSON, in window.heapStandin.calls: nothing is sent anywhere. */
(function () {
  'use strict';
  var stub = window.heap || {};
  var record = (window.heapStandin = { calls: [], loadedAt: performance.now() });
  var heap = { appid: stub.appid, envId: stub.envId, loaded: true, standin: true };
  var methods = ['identify', 'addUserProperties', 'track', 'addAccountProperties', 'resetIdentity',
    'addEventProperties', 'clearEventProperties', 'removeEventProperty', 'setEventProperties',
    'unsetEventProperty', 'startTracking', 'stopTracking', 'trackPageview', 'identifyHashed'];
  methods.forEach(function (name) {
    heap[name] = function () {
      var args = Array.prototype.slice.call(arguments);
      record.calls.push({ method: name, args: JSON.parse(JSON.stringify(args)), t: performance.now() });
    };
  });
  window.heap = heap;
  if (Array.isArray(stub)) { // classic stub: [name, ...args]
    stub.forEach(function (entry) { if (heap[entry[0]]) heap[entry[0]].apply(heap, entry.slice(1)); });
  }
  var queued = window.heapReadyCb || []; // v5 stub: {name, fn}
  window.heapReadyCb = [];
  queued.forEach(function (entry) { entry.fn(); });
})();
