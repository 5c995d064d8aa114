/* heap-device.js: the doorway between RudderStack's browser SDK and heap_device (Python).
 * The SDK needs a synchronous JS constructor and polls isReady() for at most 11 s, while the Python
 * runtime boots asynchronously. So this file only: says "ready" at once, serialises each message to
 * JSON, queues it until Python takes over, and starts the runtime. No mapping rules live here. */
(function () {
  'use strict';
  // Written by `heap-device build`: which interpreter was bundled and which modules to ship.
  var BUILD = {"runtime": "micropython", "modules": ["__init__.py"]};

  var rs = (window.Heap_RS = window.Heap_RS || {});
  if (rs.Heap) return; // included twice (or another Heap_RS owner): the first copy wins
  var self = document.currentScript; // only valid now, during evaluation
  var base = new URL('.', (self && self.src) || location.href).href;
  var optionsText = self ? self.getAttribute('data-options') : null;
  var queue = []; // JSON strings, in order, until Python sets rs.push and calls rs.flush()
  var constructed = false;
  var pendingReset = 0;

  function send(text) {
    if (typeof rs.push !== 'function') return queue.push(text);
    try { rs.push(text); } catch (e) { console.error('heap-device: could not hand over a message', e); }
  }

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
    var out = Array.isArray(value) ? [] : {};
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

  function forward(message) {
    try {
      send(JSON.stringify(plain(message, [])));
    } catch (e) {
      console.error('heap-device: could not serialise a message; it was dropped', e);
    }
  }

  // The SDK never forwards reset(): wrap the page's rudderanalytics.reset, once.
  function hookReset() {
    var ra = window.rudderanalytics;
    if (!ra || typeof ra.reset !== 'function' || ra.reset.heapDeviceHook) return;
    var original = ra.reset;
    var hooked = function () {
      if (constructed) forward({ type: 'reset' }); else pendingReset += 1;
      return original.apply(this, arguments);
    };
    hooked.heapDeviceHook = true;
    ra.reset = hooked;
  }

  function Heap(config, analytics, destinationInfo) {
    this.name = 'HEAP';
    this.analytics = analytics;
    this.destinationInfo = destinationInfo;
    if (constructed) return; // a second SDK instance: Python already has its settings
    constructed = true;
    // First item on the queue: the settings, decided in Python (raw data-options text included).
    send(JSON.stringify({ config: plain(config || {}, []), options: optionsText }));
    for (; pendingReset > 0; pendingReset--) forward({ type: 'reset' });
    hookReset();
  }
  Heap.prototype.init = function () {};
  Heap.prototype.isReady = function () { return true; }; // never waits on Python (see top)
  Heap.prototype.isLoaded = function () { return true; }; // the v1.1 SDK polls this one
  ['identify', 'track', 'page', 'group', 'alias'].forEach(function (type) {
    Heap.prototype[type] = function (rudderElement) { forward(rudderElement && rudderElement.message); };
  });
  rs.Heap = Heap;

  // Called by Python once it can take messages: hand over what queued up, in order.
  rs.flush = function () { while (queue.length) send(queue.shift()); };
  // Python calls Heap through this: a JS exception must not unwind through the Python runtime
  // (MicroPython cannot catch it), so it comes back as text ('' when all went well).
  rs.call = function (target, name, args) {
    try { target[name].apply(target, args); return ''; } catch (e) { return String(e); }
  };

  // ---- Vendor snippet: Heap's stub, isolated and data-driven. Python decides kind and methods. ----
  // v5 queues {name, fn} on window.heapReadyCb; classic pushes [name, ...args] onto the heap array.
  rs.installHeapStub = function (kind, methods) {
    var heap = (window.heap = window.heap || []);
    if (kind === 'v5') {
      var ready = (window.heapReadyCb = window.heapReadyCb || []);
      heap.load = function (envId, clientConfig) {
        heap.envId = envId;
        heap.clientConfig = clientConfig || {};
        heap.clientConfig.shouldFetchServerConfig = false;
      };
      methods.forEach(function (name) {
        heap[name] = function () {
          var args = Array.prototype.slice.call(arguments);
          ready.push({ name: name, fn: function () { window.heap[name].apply(window.heap, args); } });
        };
      });
    } else {
      heap.load = function (appId, config) {
        heap.appid = appId;
        heap.config = config || {};
      };
      methods.forEach(function (name) {
        heap[name] = function () {
          heap.push([name].concat(Array.prototype.slice.call(arguments)));
        };
      });
    }
  };

  // ---- Start the Python runtime (PyScript), every URL relative to this file. ----
  function start() {
    var py = BUILD.runtime === 'pyodide';
    var files = {};
    BUILD.modules.forEach(function (name) { files[base + 'heap_device/' + name] = './heap_device/'; });
    var config = {
      interpreter: base + (py ? 'pyodide/pyodide.mjs' : 'micropython/micropython.mjs'),
      files: files,
      // No PyScript UI on the host page (e.g. the "error" plugin's red banner).
      plugins: ['!codemirror', '!deprecations-manager', '!donkey', '!error', '!py-editor',
        '!py-game', '!py-terminal']
    };
    var tag = document.createElement('script');
    tag.type = py ? 'py' : 'mpy';
    tag.src = base + 'heap_device/main.py';
    tag.setAttribute('config', JSON.stringify(config));
    tag.setAttribute('data-heap-device', '');
    (document.head || document.documentElement).appendChild(tag);
    var core = document.createElement('script');
    core.type = 'module';
    core.src = base + 'pyscript/core.js';
    core.onerror = function () { console.error('heap-device: could not load ' + core.src); };
    (document.head || document.documentElement).appendChild(core);
  }
  try { start(); } catch (e) { console.error('heap-device: could not start the Python runtime', e); }
})();
