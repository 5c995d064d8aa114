/* The bench's stand-in for Heap's heap.js (served in place of Heap's CDN by a Playwright route).
 * Like heap.js it takes over window.heap and replays the loader stub's queue; it records when the
 * first call arrived (window.__firstCallAt, performance.now()) and every call's method and first
 * argument, cheaply: the bench measures the integration, not this file. */
(function () {
  'use strict';
  var calls = (window.__heapCalls = window.__heapCalls || []);
  var stub = window.heap || {};
  window.__heapLoadedAt = performance.now();
  var real = { appid: stub.appid, envId: stub.envId, loaded: true };
  ['identify', 'addUserProperties', 'track', 'addAccountProperties', 'resetIdentity',
    'addEventProperties', 'clearEventProperties', 'removeEventProperty', 'setEventProperties',
    'unsetEventProperty', 'startTracking', 'stopTracking', 'trackPageview'].forEach(function (name) {
    real[name] = function (first) {
      if (window.__firstCallAt === undefined) window.__firstCallAt = performance.now();
      window.__lastCallAt = performance.now();
      calls.push([name, first]);
    };
  });
  window.heap = real;
  if (Array.isArray(stub)) {
    stub.forEach(function (entry) { real[entry[0]].apply(real, entry.slice(1)); });
  }
  (window.heapReadyCb || []).forEach(function (entry) { entry.fn(); });
  window.heapReadyCb = [];
})();
