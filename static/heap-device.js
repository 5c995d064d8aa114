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
    worker.onmessage = function (e) {
      if (typeof e.data !== 'string') return fail(e.data && e.data.failed);
      if (deliver) return apply(e.data);
      running(function (text) { worker.postMessage(text); }, e.data);
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

  // JSON-ready copy (docs/contract.md §5): Dates -> ISO text; undefined, functions and symbols
  // vanish; an object already on the current path vanishes (cycle); BigInt -> decimal text;
  // NaN/±Infinity -> null.
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

  // ---- The page's calls, in page order (contract §4.6, §7). ----
  // The SDK never hands reset() or consent() to an integration, and it delivers messages later
  // than the page made the calls (it buffers them until it has its config and its destinations are
  // ready). So every page call is logged when the page makes it: the accessor below sees
  // window.rudderanalytics become the loading snippet's stub array and then the SDK's instance.
  // Each identify/track/page/group/alias call gets a callback (the page's own, wrapped), which the
  // SDK calls with the message when it creates it (live or replayed), so the log learns its
  // messageId. A reset or consent is handed over just before the first message of a call the page
  // made after it, or once every call before it is settled (delivered, or known never to come).
  var MESSAGE_CALLS = { page: 5, track: 4, identify: 4, group: 4, alias: 4 }; // arguments incl. callback
  var CONTROL_CALLS = { reset: true, consent: true };
  var log = []; // {settled, id} per message call, {control} per reset/consent; oldest first
  var byId = {}; // messageId -> its log entry
  var depth = 0; // > 0 inside one of our wrappers: a nested call is the same page call
  var calling = null; // the message call being made now, until its message is known
  var sdkReady = false; // the SDK has replayed and delivered all it buffered: nothing earlier will come
  var owner = null; // which way in started us ("Heap.io" or "Custom Device Mode"); null until then
  var bothWarned = false, lastDelivered = null, lastConsent = null, loadOptions = null;
  var destinationId = self ? self.getAttribute('data-destination-id') : null;
  var HeapDevice = (window.HeapDevice = window.HeapDevice || {});

  var held = []; // resets/consents due before any destination started us (in order)

  // Hand over every reset/consent whose earlier calls are all settled. Nothing goes before the
  // settings (the first item): until a destination starts us they wait in `held`.
  function drain(stopAt) {
    while (log.length && log[0] !== stopAt) {
      var entry = log[0];
      if (!entry.control && !entry.settled) return;
      log.shift();
      if (entry.id) delete byId[entry.id];
      if (entry.control) {
        if (owner) release(entry.control); else held.push(entry.control);
      }
    }
  }
  function release(control) {
    if (control.type !== 'consent') return forward(control, true);
    // The core compares the consent before and after (it holds no state), for the provider the
    // page gave load(). The adapter only remembers what it last handed over.
    var message = { type: 'consent', consent: { provider: provider(), now: control.given } };
    if (lastConsent) message.consent.previous = lastConsent;
    lastConsent = control.given;
    forward(message, true);
  }

  // The consent provider the page gave load(): read-only, from the load options we saw (the
  // snippet's buffer or the page's load call), else from the state the v3 SDK publishes per
  // write key. null when it cannot be known (the core then decides what that means).
  function provider() {
    var found = [];
    function take(options) {
      var p = options && options.consentManagement && options.consentManagement.provider;
      if (typeof p === 'string' && found.indexOf(p) === -1) found.push(p);
    }
    take(loadOptions);
    try {
      var globals = window.RudderStackGlobals || {};
      Object.keys(globals).forEach(function (key) {
        var state = globals[key] && globals[key].state;
        var p = state && state.consents && state.consents.provider && state.consents.provider.value;
        if (typeof p === 'string' && found.indexOf(p) === -1) found.push(p);
      });
    } catch (e) {}
    return found.length === 1 ? found[0] : null;
  }

  // The SDK calls a callback with the message it made for the call (v1.1: {message}).
  function linked(entry, pageCallback) {
    return function (made) {
      var id = made && (made.messageId || (made.message && made.message.messageId));
      if (!entry.id && typeof id === 'string') { entry.id = id; byId[id] = entry; }
      if (calling === entry) calling = null;
      if (sdkReady) { entry.settled = true; drain(); } // made live: delivered (or filtered) already
      if (typeof pageCallback !== 'function') return undefined;
      var saved = depth;
      depth = 0; // calls the page makes from its callback are page calls of their own
      try { return pageCallback.apply(this, arguments); } finally { depth = saved; }
    };
  }
  // Put our callback where the SDK takes it: the first function among the call's arguments (the
  // page's own, wrapped), else the next free place, at most the last one.
  function link(type, args, entry) {
    var last = MESSAGE_CALLS[type] - 1;
    for (var i = type === 'page' ? 0 : 1; i <= last && i < args.length; i++) {
      if (typeof args[i] === 'function') { args[i] = linked(entry, args[i]); return; }
    }
    if (type === 'group' && !args.length) { entry.settled = true; return; } // v1.1 makes no message
    args[Math.min(args.length, last)] = linked(entry, null);
  }
  function logCall(name, args) {
    if (MESSAGE_CALLS[name]) {
      var entry = { settled: false, id: null };
      log.push(entry);
      link(name, args, entry);
      return entry;
    }
    if (name === 'reset') log.push({ control: { type: 'reset' } });
    if (name === 'consent') { // the IDs as the page gave them, copied now (the page may reuse them)
      var options = (args[0] && args[0].consentManagement) || {};
      var given = plain({ allowedConsentIds: options.allowedConsentIds,
        deniedConsentIds: options.deniedConsentIds }, []);
      log.push({ control: { type: 'consent', given: given } });
    }
    if (name === 'load') loadOptions = plain({ consentManagement: (args[2] || {}).consentManagement }, []);
    drain(); // a reset with nothing unsettled before it goes now, before the SDK acts on it
    return null;
  }

  function wrap(name, fn) {
    if (typeof fn !== 'function' || fn.heapDeviceOriginal) return fn;
    var wrapper = function () {
      if (depth) return fn.apply(this, arguments); // e.g. the snippet's stub calling the SDK
      var args = Array.prototype.slice.call(arguments);
      var entry = null;
      try { entry = logCall(name, args); } catch (e) { args = Array.prototype.slice.call(arguments); }
      var outer = calling;
      if (entry) calling = entry;
      depth++;
      try { return fn.apply(this, args); } finally {
        depth--;
        calling = outer;
        if (entry && sdkReady && !entry.settled) { entry.settled = true; drain(); } // no message
      }
    };
    wrapper.heapDeviceOriginal = fn;
    return wrapper;
  }
  var HOOKED = ['load', 'page', 'track', 'identify', 'group', 'alias', 'reset', 'consent'];
  var watched = [];
  // Wrap the methods of what window.rudderanalytics holds (stub array, v3 instance, v1.1 module
  // object), also those assigned to it later (the snippet fills its array after creating it).
  function watch(target) {
    if (!target || typeof target !== 'object' || watched.indexOf(target) !== -1) return;
    watched.push(target);
    if (Array.isArray(target)) {
      // Calls the snippet buffered before this tag ran: log them as the page made them.
      target.forEach(function (call) {
        if (!Array.isArray(call) || typeof call[0] !== 'string') return;
        var args = call.slice(1);
        logCall(call[0], args);
        call.length = 1;
        Array.prototype.push.apply(call, args);
      });
      if (destinationId) target.push(['addCustomIntegration', destinationId, HeapDevice.customIntegration]);
    }
    HOOKED.forEach(function (name) {
      var own = Object.getOwnPropertyDescriptor(target, name);
      if (own && (!own.configurable || !('value' in own))) return;
      var current = wrap(name, target[name]);
      try {
        Object.defineProperty(target, name, {
          configurable: true, enumerable: own ? own.enumerable : true,
          get: function () { return current; },
          set: function (fn) { current = wrap(name, fn); }
        });
      } catch (e) {} // a frozen object: its calls go unlogged, never broken
    });
  }
  function watchGlobal() {
    var current = window.rudderanalytics;
    watch(current);
    try {
      Object.defineProperty(window, 'rudderanalytics', {
        configurable: true, enumerable: true,
        get: function () { return current; },
        set: function (value) {
          current = value;
          try { watch(value); } catch (e) {} // never into the SDK's or the page's assignment
        }
      });
    } catch (e) {} // declared with var by the page: the calls of what it holds now are still seen
  }

  // The SDK has handed over everything it buffered (v3 announces RSA_Ready; v1.1 calls ready()
  // callbacks just before it replays, so one task later it is done): every call logged before now
  // is settled.
  function onSdkReady() {
    setTimeout(function () {
      sdkReady = true;
      log.forEach(function (entry) { entry.settled = true; });
      drain();
    }, 0);
  }
  document.addEventListener('RSA_Ready', onSdkReady);

  // One message from the SDK: first what the page called before it, then the message.
  function fromSdk(message) {
    var id = message && typeof message.messageId === 'string' ? message.messageId : null;
    if (id !== null && id === lastDelivered) return; // the same message through the other way in
    if (id !== null) lastDelivered = id;
    var entry = (id !== null && byId[id]) || calling; // live calls: delivered before the callback
    if (entry && !entry.id && id !== null) { entry.id = id; byId[id] = entry; }
    if (entry && log.indexOf(entry) !== -1) {
      // The SDK delivers in the order it made messages: calls before this one sent all they will.
      for (var i = 0; log[i] !== entry; i++) if (!log[i].control) log[i].settled = true;
      drain(entry);
      entry.settled = true;
    }
    forward(message);
    drain();
  }

  // Both ways in share one start: the first sends the settings, a second way only warns.
  function construct(config, way, analytics) {
    if (owner) {
      if (owner !== way && !bothWarned) {
        bothWarned = true;
        console.warn('heap-device: both a "Heap.io" and a "Custom Device Mode" destination use ' +
          'heap-device on this page; Heap is loaded once and each message is sent to it once. ' +
          'Remove one of the two destinations.');
      }
      return;
    }
    owner = way;
    // First item on the queue: the settings, decided in Python (raw data-options text included).
    send(JSON.stringify({ config: plain(config || {}, []), options: optionsText }));
    if (analytics && typeof analytics.ready === 'function') { // v1.1 hands over its whole instance
      try { analytics.ready(onSdkReady); } catch (e) {}
    }
    held.splice(0).forEach(release);
    drain();
  }

  // Way in 1: the "Heap.io" destination, found by the SDK as window.Heap_RS.Heap.
  function Heap(config, analytics, destinationInfo) {
    this.name = 'HEAP';
    this.analytics = analytics; this.destinationInfo = destinationInfo;
    construct(config, 'Heap.io', analytics); // a second SDK instance: Python already has settings
  }
  Heap.prototype.init = function () {};
  Heap.prototype.isReady = function () { return true; }; // never waits on Python (see top)
  Heap.prototype.isLoaded = function () { return true; }; // the v1.1 SDK polls this one
  ['identify', 'track', 'page', 'group', 'alias'].forEach(function (type) {
    Heap.prototype[type] = function (rudderElement) { fromSdk(rudderElement && rudderElement.message); };
  });
  rs.Heap = Heap;

  // Way in 2: a "Custom Device Mode" destination (SDK v3.23+). The SDK copies this object's own
  // functions, so none of them uses `this`. Register it with
  // rudderanalytics.addCustomIntegration('<destination id>', HeapDevice.customIntegration), or put
  // data-destination-id on this tag with the loading snippet. Settings come from data-options.
  var customIntegration = {
    init: function (config) { construct(config, 'Custom Device Mode', null); },
    isReady: function () { return true; }
  };
  ['identify', 'track', 'page', 'group', 'alias'].forEach(function (type) {
    customIntegration[type] = function (analytics, logger, event) { fromSdk(event && event.message); };
  });
  HeapDevice.customIntegration = customIntegration;

  try { watchGlobal(); } catch (e) { console.error('heap-device: could not watch rudderanalytics', e); }

  try { start(); } catch (e) { fail(String(e && e.message || e)); }
})();
