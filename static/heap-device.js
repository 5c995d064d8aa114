/* heap-device.js: the doorway between RudderStack's browser SDK and heap_device (Python).
 * The SDK needs a synchronous JS constructor and polls isReady() for at most 11 s, while the Python
 * runtime boots asynchronously. So this file only: says "ready" at once, serialises each message to
 * JSON, queues it until Python takes over, and starts the runtime. No mapping rules live here. */
(function () {
  'use strict';
  // Written by `heap-device build`: interpreter, how it boots, and the modules to load.
  var BUILD = {"runtime": "micropython", "boot": "pyscript", "modules": ["__init__.py"]};
  // BUILD.modules are paths under heap_device/, e.g. "core/calls.py".

  var rs = (window.Heap_RS = window.Heap_RS || {});
  if (rs.Heap) return; // included twice (or another Heap_RS owner): the first copy wins
  var self = document.currentScript; // only valid now, during evaluation
  var base = new URL('.', (self && self.src) || location.href).href;
  var optionsText = self ? self.getAttribute('data-options') : null;

  // ======== Runtime side: queue, start the Python runtime, apply what it decided. ========
  // The page side (below) hands over each message as JSON text through send(text, keep);
  // keep = true marks a message the queue cap must never drop (a reset).
  var queue = []; // JSON strings, in order, until Python sets rs.push and calls rs.flush()
  // Bounded: if the runtime never comes (blocked), a long-lived page must not grow forever. Past
  // the cap the oldest message goes (item 0, the settings, stays), with one warning.
  var QUEUE_CAP = 1000;
  var constructed = false, failed = false, capWarned = false;

  function send(text, keep) {
    if (typeof rs.push === 'function') {
      try { rs.push(text); } catch (e) { console.error('heap-device: could not hand over a message', e); }
      return;
    }
    if (failed) return; // no runtime: nothing will ever take it (the error said why)
    queue.push(text);
    if (queue.length > QUEUE_CAP + 1) {
      queue.splice(1, 1);
      if (!capWarned) console.warn('heap-device: ' + QUEUE_CAP + ' messages wait for the Python ' +
        'runtime, which has not started; the oldest are dropped from now on');
      capWarned = true;
    }
  }

  // The runtime could not start (its .wasm blocked or missing, or the page's CSP refuses it):
  // one clear error naming the cause and the fix; then messages are dropped, never queued.
  function fail(cause) {
    if (failed || typeof rs.push === 'function') return;
    failed = true;
    queue.length = 0;
    console.error('heap-device: the Python runtime could not start (' + cause + '), so Heap ' +
      'gets no events. Fix: serve ' + base + ' (the whole folder heap-device build wrote, .wasm ' +
      "as application/wasm) and allow 'wasm-unsafe-eval' in the page's Content-Security-Policy " +
      "(the PyScript build also needs 'unsafe-eval'; build --boot direct does not).");
  }
  var OURS = /wasm|WebAssembly|Aborted\(|micropython|pyodide|pyscript|unsafe-eval|EvalError/i;
  window.addEventListener('securitypolicyviolation', function (e) {
    // 'eval' stops PyScript only: a page's own refused eval must not count against direct boot.
    if ((e.blockedURI === 'eval' && BUILD.boot !== 'direct') || e.blockedURI === 'wasm-eval') {
      fail("the page's Content-Security-Policy refused " + e.blockedURI + ' (' + e.effectiveDirective + ')');
    }
  });
  window.addEventListener('unhandledrejection', function (e) { // e.g. Emscripten's Aborted(...)
    var why = String(e.reason && (e.reason.message || e.reason));
    if (typeof rs.push === 'function' || !OURS.test(why)) return;
    fail(why);
    e.preventDefault(); // said once, in our words, above
  });

  // Called by Python once it can take messages: hand over what queued up, in order.
  rs.flush = function () { while (queue.length) send(queue.shift()); };
  // Python calls Heap through this, arguments as JSON text: a JS exception must not unwind through
  // the Python runtime (MicroPython cannot catch it), so it comes back as text ('' when all went well).
  rs.call = function (target, name, argsText) {
    try { target[name].apply(target, JSON.parse(argsText)); return ''; } catch (e) { return String(e); }
  };
  // One message's Heap calls, [[name, args], ...] as JSON text, applied in order: one crossing per
  // message. Stops at the first that throws and says which: '<index> <error>' ('' when all went well).
  rs.apply = function (target, callsText) {
    var calls = JSON.parse(callsText);
    for (var i = 0; i < calls.length; i++) {
      try { target[calls[i][0]].apply(target, calls[i][1]); } catch (e) { return i + ' ' + String(e); }
    }
    return '';
  };
  // Python reports to page tools (the demo's inspector): a window event with a plain detail.
  rs.report = function (name, detailText) {
    try { window.dispatchEvent(new CustomEvent(name, { detail: JSON.parse(detailText) })); } catch (e) {}
  };

  // ---- Vendor snippet: Heap's stub, isolated and data-driven. Python decides kind and methods. ----
  // v5 queues {name, fn} on window.heapReadyCb; classic pushes [name, ...args] onto the heap array.
  rs.installHeapStub = function (kind, methods) {
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
  };

  // ---- Start the Python runtime, every URL relative to this file. ----
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

  // MicroPython without PyScript (build --boot direct): nothing evaluates strings as code, so it
  // also runs under a strict Content-Security-Policy (PyScript's core needs 'unsafe-eval').
  function startDirect() {
    var sources = BUILD.modules.map(function (name) {
      return fetch(base + 'heap_device/' + name).then(function (r) {
        if (!r.ok) throw new Error(r.url + ': HTTP ' + r.status);
        return r.text();
      });
    });
    var mpy = import(base + 'micropython/micropython.mjs').then(function (module) {
      return module.loadMicroPython({ url: base + 'micropython/micropython.wasm' });
    });
    Promise.all([mpy, Promise.all(sources)]).then(function (got) {
      got[0].FS.mkdirTree('/heap_device/core');
      got[0].FS.mkdirTree('/heap_device/browser');
      got[1].forEach(function (text, i) {
        got[0].FS.writeFile('/heap_device/' + BUILD.modules[i], text);
      });
      got[0].runPython('import heap_device.browser.main');
    }).catch(function (e) { fail(String(e && e.message || e)); });
  }
  function start() { if (BUILD.boot === 'direct') startDirect(); else startPyScript(); }

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
