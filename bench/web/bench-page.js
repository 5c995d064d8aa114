/* Bench page driver. Loads the real RudderStack v3 SDK (bundled UMD) with a local source config
 * holding a Heap.io device-mode destination, then fires `events` track calls right after load():
 * 1 for the first-call page, 1,000 for the loss page. Settings come from the #bench JSON block.
 * Also defines window.__benchFire, which hands the integration n events and waits for Heap. */
(function () {
  'use strict';
  var cfg = JSON.parse(document.getElementById('bench').textContent);

  // The stand-in sets window.__firstCallAt at Heap's first call: a promise the bench awaits, so
  // waiting for it costs the page nothing (polling every frame would add main-thread time to the
  // builds that start slowly, Pyodide's most).
  var firstCallAt, firstCalled;
  window.__benchFirstCall = new Promise(function (resolve) { firstCalled = resolve; });
  Object.defineProperty(window, '__firstCallAt', {
    configurable: true,
    get: function () { return firstCallAt; },
    set: function (value) { firstCallAt = value; firstCalled(value); }
  });
  var origin = location.origin;
  var source = cfg.source; // bench/run.py's SOURCE_CONFIG

  // Keep one real message as the SDK hands it to the integration (the per-event template) and
  // the integration object the SDK created (the per-event target: no second one is made).
  var Heap = window.Heap_RS && window.Heap_RS.Heap;
  if (Heap) {
    var track = Heap.prototype.track;
    Heap.prototype.track = function (element) {
      if (!window.__sample && element) {
        window.__sample = element.message;
        window.__adapter = this;
      }
      return track.apply(this, arguments);
    };
  }

  // The network bench has the SDK fetch its source config (configUrl, the local server, which
  // answers late as RudderStack's control plane does); the other pages hand it over at once.
  var sourceOption = cfg.configFromServer
    ? { configUrl: origin }
    : { getSourceConfig: function () { return source; } };
  var ra = new window.rudderanalytics.RudderAnalytics();
  ra.load('bench-write-key', origin, Object.assign(sourceOption, {
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

  // Heap's calls so far as [method] or, for track, [method, event name]: the stand-in keeps each
  // as [method, first argument] or as [method, [arguments]].
  window.__benchCalls = function () {
    return (window.__heapCalls || []).map(function (c) {
      return c[0] === 'track' ? [c[0], Array.isArray(c[1]) ? c[1][0] : c[1]] : [c[0]];
    });
  };

  /* The floor of any worker design: `n` copies of the large message as JSON text posted to a
   * worker that only posts each back, one message each way; resolves when all came back. With
   * `spreadMs`, the worker holds each one that long first (as a worker busy with Python does), so
   * the answers reach an idle main thread one by one. */
  var echoes = {};
  window.__benchEcho = function (n, spreadMs) {
    var worker = echoes[spreadMs || 0];
    if (!worker) {
      var code = 'onmessage = function (e) { var t = performance.now(); ' +
        'while (performance.now() - t < ' + (spreadMs || 0) + ') {} postMessage(e.data); };';
      worker = echoes[spreadMs || 0] = new Worker(URL.createObjectURL(new Blob([code], { type: 'text/javascript' })));
    }
    var text = JSON.stringify(Object.assign({}, window.__sample, { properties: largeProps() }));
    return new Promise(function (resolve) {
      var got = 0;
      worker.onmessage = function () { got += 1; if (got === n) resolve(got); };
      for (var i = 0; i < n; i++) worker.postMessage(text);
      if (n === 0) resolve(0);
    });
  };

  /* Hand `n` copies of one message (the SDK's own, with the small or large properties) to the
   * integration the SDK created, in one synchronous loop, and resolve once Heap has received
   * all of them (a worker build answers later, so the promise is what waits, not a poll).
   * With `viaSdk`, the loop calls rudderanalytics.track() instead: the whole page's path.
   * Heap's methods are replaced by counting no-ops meanwhile. Resolves with the calls received,
   * the last call and the loop's own time (ms), or rejects after 60 s. */
  var sent = 0; // messages handed over so far: each gets its own messageId
  window.__benchFire = function (kind, n, mark, viaSdk) {
    var adapter = window.__adapter;
    var properties = kind === 'large' ? largeProps() : smallProps();
    var message = Object.assign({}, window.__sample, { event: 'Bench ' + kind, properties: properties });
    var element = { message: message };
    var heap = window.heap;
    var out = { calls: 0, last: null, loop_ms: null };
    var saved = {};
    function restore() {
      Object.keys(saved).forEach(function (name) { heap[name] = saved[name]; });
    }
    return new Promise(function (resolve, reject) {
      var timer;
      function done() {
        clearTimeout(timer);
        restore();
        if (mark) performance.mark(mark + '-end');
        out.last = out.last && JSON.parse(JSON.stringify(out.last));
        resolve(out); // loop_ms is filled in below, before anyone reads `out`
      }
      ['track', 'identify', 'addUserProperties', 'addAccountProperties'].forEach(function (name) {
        saved[name] = heap[name];
        heap[name] = function () {
          out.calls += 1;
          out.last = [name, Array.prototype.slice.call(arguments)];
          if (out.calls === n) done();
        };
      });
      timer = setTimeout(function () {
        restore();
        reject(new Error('bench: ' + out.calls + ' of ' + n + ' ' + kind + ' events reached Heap in 60 s'));
      }, 60000);
      if (mark) performance.mark(mark + '-start');
      var t0 = performance.now();
      if (viaSdk) {
        for (var j = 0; j < n; j++) window.rudderanalytics.track('Bench ' + kind, properties);
      } else {
        // each with its own messageId, as the SDK makes them (the adapter drops a repeated one)
        for (var i = 0; i < n; i++) {
          message.messageId = 'bench-' + (sent += 1);
          adapter.track(element);
        }
      }
      out.loop_ms = performance.now() - t0;
      if (n === 0) done();
    });
  };
})();
