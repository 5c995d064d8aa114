/* RudderStack's v3 loading snippet, the same shape as the official one (written here): window.
 * rudderanalytics is a stub array whose methods push [method, ...args] until the SDK replaces it.
 * Where the official one adds rsa.min.js from RudderStack's CDN (async), the test page has a module
 * script, sdk-start.mjs, that starts the pinned SDK's ESM build from this site once the page is
 * parsed (the UMD build would overwrite the array and lose what it buffered). */
(function () {
  'use strict';
  var identifier = 'rudderanalytics';
  if (!window[identifier]) window[identifier] = [];
  var rudderanalytics = window[identifier];
  if (!Array.isArray(rudderanalytics)) return;
  if (rudderanalytics.snippetExecuted === true) {
    console.error('RudderStack JavaScript SDK snippet included more than once.');
    return;
  }
  rudderanalytics.snippetExecuted = true;
  var methods = ['setDefaultInstanceKey', 'load', 'ready', 'page', 'track', 'identify', 'alias',
    'group', 'reset', 'setAnonymousId', 'startSession', 'endSession', 'consent',
    'addCustomIntegration'];
  methods.forEach(function (methodName) {
    rudderanalytics[methodName] = function () {
      if (Array.isArray(window[identifier])) {
        rudderanalytics.push([methodName].concat(Array.prototype.slice.call(arguments)));
      } else if (window[identifier][methodName]) {
        window[identifier][methodName].apply(window[identifier], arguments);
      }
    };
  });
})();
