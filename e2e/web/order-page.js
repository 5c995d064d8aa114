/* Driver for the ordering and ways-in tests: loads the RudderStack SDK in the form the test asks for
 * (cfg.form "npm": new RudderAnalytics() / the v1.1 module; "snippet": the loading snippet's stub,
 * loaded before this file) with a local source config, then makes cfg.early calls in this same
 * script, before the SDK has its config. Settings come from the non-executable #cfg JSON block. */
(function () {
  'use strict';
  var cfg = JSON.parse(document.getElementById('cfg').textContent);
  var origin = location.origin;
  var destinations = cfg.destinations.map(function (d) {
    var custom = d.kind === 'custom';
    var destination = {
      id: d.id, enabled: true, config: d.config,
      destinationDefinition: custom
        ? { name: 'CUSTOM_DEVICE_MODE', displayName: 'Custom Device Mode' }
        : { name: 'HEAP', displayName: 'Heap.io' }
    };
    // RudderStack's Device Mode Transformations, switched on per destination in the source config.
    ['shouldApplyDeviceModeTransformation', 'propagateEventsUntransformedOnError'].forEach(function (key) {
      if (key in d) destination[key] = d[key];
    });
    return destination;
  });
  var source = { source: { id: 'src-1', workspaceId: 'ws-1', enabled: true, config: {},
    destinations: destinations } };
  var options = {
    getSourceConfig: function () {
      if (!cfg.configDelayMs) return source;
      return new Promise(function (resolve) { setTimeout(function () { resolve(source); }, cfg.configDelayMs); });
    },
    destSDKBaseURL: origin + '/no-integrations', // never requested: Heap_RS is already mounted
    polyfillIfRequired: false,
    logLevel: 'ERROR'
  };
  Object.keys(cfg.loadOptions || {}).forEach(function (key) { options[key] = cfg.loadOptions[key]; });
  var ra;
  if (cfg.form === 'snippet') {
    ra = window.rudderanalytics; // the stub array
  } else if (cfg.sdk === 'v1') {
    ra = window.rudderanalytics; // the v1.1 UMD build exports a ready-made instance
  } else {
    ra = new window.rudderanalytics.RudderAnalytics();
  }
  (cfg.register || []).forEach(function (id) {
    ra.addCustomIntegration(id, window.HeapDevice.customIntegration);
  });
  ra.load('test-write-key', origin, options);
  window.__callbacks = [];
  (cfg.early || []).forEach(function (call) {
    var args = call.slice(1);
    if (call[0] === 'track' && args[args.length - 1] === '__callback') {
      args[args.length - 1] = function (made) { // v3 passes the message, v1.1 {message}
        var message = made && (made.message || made);
        window.__callbacks.push(message && message.event);
      };
    }
    window.rudderanalytics[call[0]].apply(window.rudderanalytics, args);
  });
  window.rudderanalytics.ready(function () { window.__rsReady = true; });
})();
