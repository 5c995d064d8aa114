/* heap-device.js: the doorway between RudderStack's browser SDK and heap_device (Python).
 * The SDK needs a synchronous JS constructor and polls isReady() for at most 11 s, while the Python
 * runtime boots asynchronously. So this file only: says "ready" at once, serialises each message to
 * JSON, queues it until Python takes over, and starts the runtime. No mapping rules live here. */
(function () {
  'use strict';
  // Written by `heap-device build`: interpreter, how it boots, and the modules to load.
  var BUILD = {"runtime": "micropython", "boot": "worker", "modules": ["__init__.py"], "fields": null};
  // BUILD.modules are paths under heap_device/, e.g. "core/calls.py".

  var rs = (window.Heap_RS = window.Heap_RS || {});
  if (rs.Heap) return; // included twice (or another Heap_RS owner): the first copy wins
  var self = document.currentScript; // only valid now, during evaluation
  var base = new URL('.', (self && self.src) || location.href).href;
  var optionsText = self ? self.getAttribute('data-options') : null;

  // ======== Runtime side: queue, start the Python runtime, apply what it decided. ========
  // The page side (below) hands over each message as JSON text through send(text, keep);
  // keep = true marks a message the queue cap must never drop (a reset).
  var queue = []; // JSON strings, in order, until Python runs
  // Bounded: if the runtime never comes (blocked), a long-lived page must not grow forever. Past
  // the cap the oldest droppable message goes (item 0, the settings, stays), with one warning.
  var QUEUE_CAP = 1000;
  var constructed = false, failed = false, capWarned = false;
  var deliver = null; // once Python runs: hands it one string (to the worker, or on the page)
  // The message fields Python's mapping reads, decided in Python (written into BUILD by the
  // build): only those cross over, since the SDK's context is most of a message.
  rs.fields = BUILD.fields;

  function send(text, keep) {
    var to = deliver || (typeof rs.push === 'function' && rs.push); // rs.push: PyScript boot
    if (to) {
      try { to(text); } catch (e) { console.error('heap-device: could not hand over a message', e); }
      return;
    }
    if (failed) return; // no runtime: nothing will ever take it (the error said why)
    queue.push({ text: text, keep: !!keep });
    if (queue.length > QUEUE_CAP + 1) {
      for (var i = 1; i < queue.length && queue[i].keep; i++) {} // never the settings, nor a keep
      if (i < queue.length) queue.splice(i, 1);
      if (!capWarned) console.warn('heap-device: ' + QUEUE_CAP + ' messages wait for the Python ' +
        'runtime, which has not started; the oldest are dropped from now on');
      capWarned = true;
    }
  }
  // Called once Python can take messages: hand over what queued up, in order. From then on
  // rs.running is true (page tools and tests can tell that Python runs).
  function flush() {
    rs.running = true;
    while (queue.length) send(queue.shift().text);
  }
  rs.flush = flush;

  // The runtime could not start (its .wasm blocked or missing, or a Content-Security-Policy
  // refuses it): one clear error naming the cause and the fix; then messages are dropped.
  function fail(cause) {
    if (failed || deliver || typeof rs.push === 'function') return;
    failed = true;
    queue.length = 0;
    console.error('heap-device: the Python runtime could not start (' + cause + '), so Heap ' +
      'gets no events. Fix: serve ' + base + ' (the whole folder heap-device build wrote, .wasm ' +
      "as application/wasm) and allow 'wasm-unsafe-eval' in the Content-Security-Policy (see " +
      "docs/security.md; the PyScript build also needs 'unsafe-eval').");
  }
  var OURS = /wasm|WebAssembly|Aborted\(|micropython|pyodide|pyscript|unsafe-eval|EvalError/i;
  window.addEventListener('securitypolicyviolation', function (e) {
    // 'eval' stops PyScript only: a page's own refused eval must not count against the others.
    if ((e.blockedURI === 'eval' && BUILD.boot === 'pyscript') || e.blockedURI === 'wasm-eval') {
      fail("the page's Content-Security-Policy refused " + e.blockedURI + ' (' + e.effectiveDirective + ')');
    }
  });
  window.addEventListener('unhandledrejection', function (e) { // e.g. Emscripten's Aborted(...)
    var why = String(e.reason && (e.reason.message || e.reason));
    if (deliver || typeof rs.push === 'function' || !OURS.test(why)) return;
    fail(why);
    e.preventDefault(); // said once, in our words, above
  });

  // ---- Apply what Python decided: a batch, {ops: [...], error}, as JSON text. No rules here:
  // each operation is carried out as written, in order (heap_device/browser/bridge.py lists them).
  function apply(text) {
    var batch;
    try { batch = JSON.parse(text); } catch (e) { return; }
    var ops = batch.ops, callsOff = false;
    for (var i = 0; i < ops.length; i++) {
      var op = ops[i];
      try {
        if (op[0] === 'call') { if (!callsOff) callHeap(op[1], op[2], op[3]); }
        else if (op[0] === 'log') console[op[1]](op[2]);
        else if (op[0] === 'plan') loadHeap(op[1]);
        else if (op[0] === 'event') window.dispatchEvent(new CustomEvent(op[1], { detail: op[2] }));
      } catch (e) {
        callsOff = true; // a throwing Heap: this message's remaining calls are skipped
        console.error(batch.error + String(e));
      }
    }
  }
  rs.apply = apply; // the PyScript boot applies from Python on the page

  function callHeap(name, args, missing) {
    var heap = window.heap;
    if (!heap || typeof heap[name] !== 'function') return console.warn(missing);
    heap[name].apply(heap, args);
  }

  // Heap's loader plan: its stub, heap.load and the async script tag, unless the page has Heap.
  function loadHeap(plan) {
    var heap = window.heap;
    if (heap && plan.present.some(function (key) { return heap[key]; })) {
      if (plan.presentNote) console.debug(plan.presentNote);
      return;
    }
    installHeapStub(plan.sdk, plan.methods);
    window.heap.load(plan.appId, plan.config);
    var tag = document.createElement('script');
    tag.async = true;
    tag.src = plan.src;
    tag.onerror = function () { console.warn(plan.blockedNote); };
    (document.head || document.documentElement).appendChild(tag);
  }

  // ---- Vendor snippet: Heap's stub, isolated and data-driven. Python decides kind and methods. ----
  // v5 queues {name, fn} on window.heapReadyCb; classic pushes [name, ...args] onto the heap array.
  function installHeapStub(kind, methods) {
    var heap = (window.heap = window.heap || []);
    var ready = kind === 'v5' ? (window.heapReadyCb = window.heapReadyCb || []) : null;
    heap.load = function (id, config) {
      if (!ready) { heap.appid = id; heap.config = config || {}; return; }
      heap.envId = id;
      heap.clientConfig = config || {};
      heap.clientConfig.shouldFetchServerConfig = false;
    };
    methods.forEach(function (name) {
      heap[name] = function () {
        var args = Array.prototype.slice.call(arguments);
        if (!ready) return heap.push([name].concat(args));
        ready.push({ name: name, fn: function () { window.heap[name].apply(window.heap, args); } });
      };
    });
  }

  // ---- Start the Python runtime, every URL relative to this file. ----
  var RUNTIME = base + 'heap-device-runtime.js';

  // Python runs: its first batch says so; then what queued up goes over, in order.
  function running(to, firstBatch) {
    deliver = to;
    apply(firstBatch);
    flush();
  }

  // The default: a dedicated module Worker runs Python, so the page's main thread only posts
  // strings and applies batches. Where no worker can start, Python runs on the page instead.
  function startWorker() {
    var worker, url = RUNTIME;
    try {
      if (new URL(RUNTIME).origin !== location.origin) {
        // A Worker must come from the page's origin: a same-origin blob: module that imports ours
        // (CORS, as for this file) does. A page CSP must then allow blob: in worker-src; import()
        // (not a static import, checked against worker-src) is checked against script-src, like
        // this file. If it fails, the worker throws: its error event starts Python on the page.
        // Messages that arrive before ours is imported are kept and handed over, in order.
        url = URL.createObjectURL(new Blob(['var early = []; onmessage = function (e) { ' +
          'early.push(e); }; import(' + JSON.stringify(RUNTIME) + ').then(function () { ' +
          'early.forEach(function (e) { onmessage(e); }); }, function (e) { ' +
          'setTimeout(function () { throw e; }); });'], { type: 'text/javascript' }));
      }
      worker = new Worker(url, { type: 'module', name: 'heap-device' });
    } catch (e) {
      return startOnPage('no Web Worker could start here: ' + (e && e.message || e));
    }
    // Strings go over together at the end of the page's current task (a burst of events is one
    // message, not a thousand), and come back as arrays of batches: fewer tasks on the page.
    var outbox = [];
    function post(text) {
      if (!outbox.length) Promise.resolve().then(function () { worker.postMessage(outbox.splice(0)); });
      outbox.push(text);
    }
    worker.onmessage = function (e) {
      if (!Array.isArray(e.data)) return fail(e.data && e.data.failed);
      if (!deliver) running(post, e.data.shift());
      for (var i = 0; i < e.data.length; i++) apply(e.data[i]);
    };
    worker.onerror = function (e) { // the worker itself did not start (CSP, no module workers)
      if (e.preventDefault) e.preventDefault();
      if (deliver || failed) return;
      worker.terminate();
      startOnPage('the Web Worker did not start' + (e.message ? ': ' + e.message : '') +
        "; a Content-Security-Policy must allow it in worker-src (docs/security.md)");
    };
    worker.postMessage(JSON.stringify({ timeOrigin: performance.timeOrigin }));
  }

  // Python on the page's main thread: the same runtime module, imported instead of a worker.
  function startOnPage(why) {
    console.info('heap-device: Python runs on the page, not in a Web Worker (' + why + ').');
    import(RUNTIME).then(function (module) { return module.boot(); }).then(function (bridge) {
      var receive = function (text) { var batch = bridge.receive(text); if (batch) apply(batch); };
      running(receive, bridge.start(function () { return performance.now(); }));
    }).catch(function (e) { fail(String(e && e.message || e)); });
  }

  function startPyScript() {
    var py = BUILD.runtime === 'pyodide';
    var files = {};
    BUILD.modules.forEach(function (name) {
      files[base + 'heap_device/' + name] = './heap_device/' + name;
    });
    var config = {
      interpreter: base + (py ? 'pyodide/pyodide.mjs' : 'micropython/micropython.mjs'),
      files: files,
      // No PyScript UI on the host page (e.g. the "error" plugin's red banner).
      plugins: ['!codemirror', '!deprecations-manager', '!donkey', '!error', '!py-editor',
        '!py-game', '!py-terminal']
    };
    var tag = document.createElement('script');
    tag.type = py ? 'py' : 'mpy';
    tag.src = base + 'heap_device/browser/main.py';
    tag.setAttribute('config', JSON.stringify(config));
    var core = document.createElement('script');
    core.type = 'module';
    core.src = base + 'pyscript/core.js';
    core.onerror = function () { fail('could not load ' + core.src); };
    document.head.append(tag, core);
  }
  function start() { if (BUILD.boot === 'pyscript') startPyScript(); else startWorker(); }

  // ======== Page side: what the RudderStack SDK and the page talk to. ========
  // It serialises each message (only the fields Python asked for) and hands it to send().

  // JSON-ready copy (SPEC §5): Dates -> ISO text; undefined, functions and symbols vanish; an object
  // already on the current path vanishes (cycle); BigInt -> decimal text; NaN/±Infinity -> null.
  function plain(value, path) {
    var t = typeof value;
    if (value === null || t === 'string' || t === 'boolean') return value;
    if (t === 'number') return isFinite(value) ? value : null;
    if (t === 'bigint') return value.toString();
    if (t !== 'object') return undefined;
    if (value instanceof Date) return isNaN(value.getTime()) ? null : value.toISOString();
    if (path.indexOf(value) !== -1) return undefined;
    path.push(value);
    var out = Array.isArray(value) ? [] : Object.create(null); // '__proto__' stays a key
    var keys = Object.keys(value);
    for (var i = 0; i < keys.length; i++) {
      var item;
      try { item = plain(value[keys[i]], path); } catch (e) { item = undefined; } // throwing getter
      if (item === undefined) continue;
      if (Array.isArray(out)) out.push(item); else out[keys[i]] = item;
    }
    path.pop();
    return out;
  }

  // Once Python runs it sets rs.fields, the message fields its mapping reads (e.g.
  // {type: true, properties: true, context: {traits: true}}): only those cross over, since the
  // SDK's context (user agent, page, library...) is most of a message. Python decides the list.
  function pick(value, fields, path) {
    if (fields === true || !value || typeof value !== 'object' || Array.isArray(value) ||
        value instanceof Date) return plain(value, path);
    if (path.indexOf(value) !== -1) return undefined;
    path.push(value);
    var out = Object.create(null);
    for (var key in fields) {
      if (!Object.prototype.hasOwnProperty.call(value, key)) continue;
      var item;
      try { item = pick(value[key], fields[key], path); } catch (e) { item = undefined; }
      if (item !== undefined) out[key] = item;
    }
    path.pop();
    return out;
  }

  function forward(message, keep) {
    try {
      send(JSON.stringify(rs.fields ? pick(message, rs.fields, []) : plain(message, [])), keep);
    } catch (e) {
      console.error('heap-device: could not serialise a message; it was dropped', e);
    }
  }

  // The SDK never forwards reset(): wrap the page's rudderanalytics.reset, once. (Not the SDK's
  // internal instance: v1.1 calls that one itself, e.g. when identify changes the user.)
  function hookReset() {
    var ra = window.rudderanalytics;
    if (!ra || typeof ra.reset !== 'function' || ra.reset.heapDeviceHook) return;
    var original = ra.reset;
    ra.reset = function () { forward({ type: 'reset' }, true); return original.apply(this, arguments); };
    ra.reset.heapDeviceHook = true;
  }

  function Heap(config, analytics, destinationInfo) {
    this.name = 'HEAP';
    this.analytics = analytics; this.destinationInfo = destinationInfo;
    if (constructed) return; // a second SDK instance: Python already has its settings
    constructed = true;
    // First item on the queue: the settings, decided in Python (raw data-options text included).
    send(JSON.stringify({ config: plain(config || {}, []), options: optionsText }));
    hookReset();
  }
  Heap.prototype.init = function () {};
  Heap.prototype.isReady = function () { return true; }; // never waits on Python (see top)
  Heap.prototype.isLoaded = function () { return true; }; // the v1.1 SDK polls this one
  ['identify', 'track', 'page', 'group', 'alias'].forEach(function (type) {
    Heap.prototype[type] = function (rudderElement) { forward(rudderElement && rudderElement.message); };
  });
  rs.Heap = Heap;

  try { start(); } catch (e) { fail(String(e && e.message || e)); }
})();
