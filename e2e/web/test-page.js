/* Test page driver: loads the RudderStack SDK with a local source config holding a Heap.io
 * device-mode destination. Settings come from the non-executable #cfg JSON block, so the page
 * needs no inline script (CSP-friendly). */
(function () {
  'use strict';
  var cfg = JSON.parse(document.getElementById('cfg').textContent);
  var origin = location.origin;
  var source = {
    source: {
      id: 'src-1', workspaceId: 'ws-1', enabled: true, config: {},
      destinations: [{
        id: 'heap-1', enabled: true, config: cfg.destConfig,
        destinationDefinition: { name: 'HEAP', displayName: 'Heap.io' }
      }]
    }
  };
  var options = {
    getSourceConfig: function () { return source; },
    destSDKBaseURL: origin + '/no-integrations', // never requested: Heap_RS is already mounted
    polyfillIfRequired: false,
    logLevel: 'ERROR'
  };
  var ra;
  if (cfg.sdk === 'v1') {
    ra = window.rudderanalytics; // the v1.1 UMD build exports a ready-made instance
  } else {
    options.destinationsQueueOptions = { maxItems: 2000 };
    ra = new window.rudderanalytics.RudderAnalytics();
  }
  ra.ready(function () {
    window.__rsReady = true;
    // Fired before the Python runtime has taken over the adapter's queue (recorded, not assumed).
    window.__earlyBeforePython = !(window.Heap_RS || {}).running;
    for (var i = 0; i < (cfg.early || 0); i++) window.rudderanalytics.track('early ' + i, { i: i });
  });
  ra.load('test-write-key', origin, options);
})();
