/* heap-device-runtime.js: starts the Python runtime (MicroPython or Pyodide) and hands it strings.
 * heap-device.js runs this module as a dedicated Web Worker (the default), or imports it on the
 * page where no worker can start. Python answers each handed-over JSON string with a batch (JSON
 * text) that heap-device.js applies on the page; this file knows no rule, only how to start. */

// Written by `heap-device build`: interpreter and the module files (paths under heap_device/).
var BUILD = {"runtime": "micropython", "modules": ["__init__.py"]};

var base = new URL('.', import.meta.url).href;
var inWorker = typeof WorkerGlobalScope !== 'undefined' && self instanceof WorkerGlobalScope;

function fetchOk(url) {
  return fetch(url, { credentials: 'same-origin' }).then(function (response) {
    if (!response.ok) throw new Error(url + ': HTTP ' + response.status);
    return response;
  });
}

// In the worker, the interpreter's .wasm is asked for at once, beside the interpreter's script
// instead of after it, and compiled as it streams in: the worker's global scope is ours alone,
// so the interpreter's own fetch of that URL is handed the response already under way. Resolves
// once the answer is known to be good; a bad answer is the clear cause of a failed start.
function fetchWasmEarly(url) {
  if (!inWorker) return null;
  var response = fetch(url, { credentials: 'same-origin' });
  var realFetch = self.fetch;
  self.fetch = function (resource, options) {
    if (new URL(String(resource.url || resource), base).href !== url) return realFetch(resource, options);
    self.fetch = realFetch;
    return response;
  };
  return response.then(function (r) {
    if (!r.ok) throw new Error('fetching of the wasm failed: ' + url + ' answered HTTP ' + r.status);
  });
}

function startMicroPython() {
  var wasmUrl = base + 'micropython/micropython.wasm';
  var wasm = fetchWasmEarly(wasmUrl);
  var python = import(base + 'micropython/micropython.mjs').then(function (module) {
    return module.loadMicroPython({ url: wasmUrl });
  });
  return wasm ? Promise.all([python, wasm]).then(function (got) { return got[0]; }) : python;
}

function startPyodide() {
  var wasm = fetchWasmEarly(base + 'pyodide/pyodide.asm.wasm');
  var python = import(base + 'pyodide/pyodide.mjs').then(function (module) {
    return module.loadPyodide({ indexURL: base + 'pyodide/' });
  });
  return wasm ? Promise.all([python, wasm]).then(function (got) { return got[0]; }) : python;
}

/** Start Python with heap_device in it; resolves to the bridge module (start, receive). */
export function boot() {
  // Every file at once: the interpreter and each module, in parallel.
  var files = BUILD.modules.map(function (name) {
    return fetchOk(base + 'heap_device/' + name).then(function (r) { return r.arrayBuffer(); });
  });
  var python = BUILD.runtime === 'pyodide' ? startPyodide() : startMicroPython();
  return Promise.all([python, Promise.all(files)]).then(function (got) {
    var py = got[0];
    py.FS.mkdirTree('/heap-device/heap_device/core');
    py.FS.mkdirTree('/heap-device/heap_device/browser');
    got[1].forEach(function (bytes, i) {
      py.FS.writeFile('/heap-device/heap_device/' + BUILD.modules[i], new Uint8Array(bytes));
    });
    py.runPython('import sys\nsys.path.insert(0, "/heap-device")');
    return py.pyimport('heap_device.browser.bridge');
  });
}

if (inWorker) {
  // Now: the worker started at the adapter's tag evaluation. Settled at once, so a failure is
  // never an unhandled rejection; it is posted to the page, which says it once, in its words.
  var started = boot().then(function (python) { return { python: python }; }, function (error) {
    return { failed: String((error && error.message) || error) };
  });
  var bridge = null;
  var offset = 0; // page time = worker time + offset (the page's events carry page time)
  var clock = function () { return performance.now() + offset; };
  self.onmessage = function (event) {
    if (bridge) {
      var batch = bridge.receive(event.data);
      if (batch) self.postMessage(batch);
      return;
    }
    // The first message: the page's time origin. Then (once Python runs) one string per item.
    offset = performance.timeOrigin - JSON.parse(event.data).timeOrigin;
    started.then(function (got) {
      if (got.failed) return self.postMessage({ failed: got.failed });
      bridge = got.python;
      self.postMessage(bridge.start(clock));
    });
  };
}
