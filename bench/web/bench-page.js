/* Bench page driver. Loads the real RudderStack v3 SDK (bundled UMD) with a local source config
 * holding a Heap.io device-mode destination, then fires `events` track calls right after load():
 * 1 for the first-call page, 1,000 for the loss page. Settings come from the #bench JSON block.
 * Also defines window.__benchPerEvent, the in-page per-event timer. */
(function () {
  'use strict';
  var cfg = JSON.parse(document.getElementById('bench').textContent);
  var origin = location.origin;
  var source = {
    source: {
      id: 'src-1', workspaceId: 'ws-1', enabled: true, config: {},
      destinations: [{
        id: 'heap-1', enabled: true,
        config: { appId: '1234567890', connectionMode: 'device' },
        destinationDefinition: { name: 'HEAP', displayName: 'Heap.io' }
      }]
    }
  };

  // Keep one real message as the SDK hands it to the integration: the per-event template.
  var Heap = window.Heap_RS && window.Heap_RS.Heap;
  if (Heap) {
    var track = Heap.prototype.track;
    Heap.prototype.track = function (element) {
      if (!window.__sample && element) window.__sample = element.message;
      return track.apply(this, arguments);
    };
  }

  var ra = new window.rudderanalytics.RudderAnalytics();
  ra.load('bench-write-key', origin, Object.assign({
    getSourceConfig: function () { return source; },
    destSDKBaseURL: origin + '/no-integrations', // never requested: Heap_RS is already mounted
    polyfillIfRequired: false,
    logLevel: 'ERROR',
    // room for every start-up event: the SDK's own in-memory limit (100) is not what we measure
    destinationsQueueOptions: { maxItems: cfg.events + 100 }
  }, cfg.sdkOptions || {}));
  window.__firedAt = performance.now();
  if (cfg.events === 1) {
    ra.track('First Event', { plan: 'pro', total: 9.5, ok: true });
  } else {
    for (var i = 0; i < cfg.events; i++) ra.track('early ' + i, { i: i });
  }

  function smallProps() {
    return { plan: 'pro', total: 9.5, ok: true };
  }

  // 40 properties once flattened: strings, numbers, bools, a date, arrays (joined and JSON),
  // and objects nested 4 deep.
  function largeProps() {
    var p = {};
    for (var s = 0; s < 10; s++) p['text_' + s] = 'value number ' + s + ' of a longer property text';
    for (var n = 0; n < 6; n++) p['count_' + n] = n * 7 + 0.25;
    p.flag_a = true;
    p.flag_b = false;
    p.created = new Date(Date.UTC(2024, 0, 2, 3, 4, 5));
    p.tags = ['alpha', 'beta', 'gamma', 'delta'];
    p.scores = [1, 2.5, 3, 4.75, 5];
    p.items = [{ sku: 'sku-1', qty: 1, price: 9.99 }, { sku: 'sku-2', qty: 2, price: 19.5 }];
    p.mixed = ['a', 1, true];
    p.customer = {
      id: 'c-123', tier: 'gold',
      address: { city: 'Paris', zip: '75001', geo: { lat: 48.86, lng: 2.35, precise: true } },
      prefs: { mail: { weekly: true, monthly: false }, sms: { opt_in: false } }
    };
    p.order = {
      id: 'o-987', currency: 'EUR',
      totals: { net: 120.5, tax: 24.1, shipping: { method: 'express', cost: 9.9, free: false } }
    };
    p.page_section = 'checkout';
    p.null_value = null;
    return p;
  }

  /* Time messages through the integration's adapter into (no-op) Heap methods: `warmup` first,
   * then as many as fit in `budgetMs` (at least 20, at most `maxCount`). Returns microseconds per
   * message, how many were timed, Heap calls made per message, and the last call. */
  window.__benchPerEvent = function (kind, maxCount, warmup, budgetMs) {
    var adapter = new window.Heap_RS.Heap({ appId: '1234567890' }, {}, {}); // shares the first one's state
    var message = Object.assign({}, window.__sample, {
      event: 'Bench ' + kind, properties: kind === 'large' ? largeProps() : smallProps()
    });
    var element = { message: message };
    var heap = window.heap;
    var sink = { n: 0, last: null };
    var saved = {};
    ['track', 'identify', 'addUserProperties', 'addAccountProperties'].forEach(function (name) {
      saved[name] = heap[name];
      heap[name] = function () { sink.n += 1; sink.last = [name, Array.prototype.slice.call(arguments)]; };
    });
    var count;
    try {
      var w0 = performance.now();
      for (var w = 0; w < warmup; w++) adapter.track(element);
      var each = Math.max((performance.now() - w0) / warmup, 0.0005);
      count = Math.max(20, Math.min(maxCount, Math.floor(budgetMs / each)));
      sink.n = 0;
      var t0 = performance.now();
      for (var i = 0; i < count; i++) adapter.track(element);
      var t1 = performance.now();
    } finally {
      Object.keys(saved).forEach(function (name) { heap[name] = saved[name]; });
    }
    return { us: ((t1 - t0) * 1000) / count, count: count, calls: sink.n / count, last: JSON.parse(JSON.stringify(sink.last)) };
  };
})();
