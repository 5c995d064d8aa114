/* Stand-in for Heap's heap.js, served by the tests in place of Heap's CDN. Like heap.js, it takes
 * over window.heap, replays the stub's queue (v5 heapReadyCb or the classic array), sets
 * heap.loaded, and then records every call as [method, args] (JSON-cloned) in window.__heapCalls. */
(function () {
  'use strict';
  var calls = (window.__heapCalls = window.__heapCalls || []);
  var stub = window.heap || {};
  window.__heapLoadCount = (window.__heapLoadCount || 0) + 1;
  window.__heapLoadedWith = JSON.parse(JSON.stringify({
    appid: stub.appid, envId: stub.envId, config: stub.config, clientConfig: stub.clientConfig
  }));
  var real = { appid: stub.appid, envId: stub.envId, loaded: true };
  ['identify', 'addUserProperties', 'track', 'addAccountProperties', 'resetIdentity',
    'addEventProperties', 'clearEventProperties', 'removeEventProperty', 'setEventProperties',
    'unsetEventProperty', 'startTracking', 'stopTracking', 'trackPageview'].forEach(function (name) {
    real[name] = function () {
      var args = Array.prototype.slice.call(arguments);
      if (window.__firstCallAt === undefined) window.__firstCallAt = performance.now();
      args.forEach(function (a) { // Heap must receive plain objects, not Python proxies
        if (a && typeof a === 'object' && !Array.isArray(a) &&
            Object.getPrototypeOf(a) !== Object.prototype) {
          window.__heapNotPlain = (window.__heapNotPlain || 0) + 1;
        }
      });
      calls.push(JSON.parse(JSON.stringify([name, args])));
    };
  });
  window.heap = real;
  if (Array.isArray(stub)) {
    stub.forEach(function (entry) { real[entry[0]].apply(real, entry.slice(1)); });
  }
  (window.heapReadyCb || []).forEach(function (entry) { entry.fn(); });
  window.heapReadyCb = [];
})();
