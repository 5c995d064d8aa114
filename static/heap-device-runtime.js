/* heap-device-runtime.js: starts the Python runtime (MicroPython or Pyodide) and hands it strings.
 * heap-device.js runs this module as a dedicated Web Worker (the default), or imports it on the
 * page where no worker can start. Python answers each handed-over JSON string with a batch (JSON
 * text) that heap-device.js applies on the page; this file knows no rule, only how to start. */

// Written by `heap-device build`: the interpreter, the file that holds every module and the
// interpreter's folder, as served (named by their content), and (only in --dev builds) dev: true.
var BUILD = {"runtime": "micropython", "pack": "heap_device/modules.bin", "interpreter": "micropython/"};

// Dev builds mark each start-up step in the worker's timeline (the bench reads them).
function mark(step) {
  if (BUILD.dev) performance.mark('heap-device:' + step);
}

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
  var wasmUrl = base + BUILD.interpreter + 'micropython.wasm';
  var wasm = fetchWasmEarly(wasmUrl);
  var python = import(base + BUILD.interpreter + 'micropython.mjs').then(function (module) {
    mark('interpreter-script');
    return module.loadMicroPython({ url: wasmUrl });
  });
  return wasm ? Promise.all([python, wasm]).then(function (got) { return got[0]; }) : python;
}

function startPyodide() {
  var wasm = fetchWasmEarly(base + BUILD.interpreter + 'pyodide.asm.wasm');
  var python = import(base + BUILD.interpreter + 'pyodide.mjs').then(function (module) {
    return module.loadPyodide({ indexURL: base + BUILD.interpreter });
  });
  return wasm ? Promise.all([python, wasm]).then(function (got) { return got[0]; }) : python;
}

// The modules' file: a 4-byte little-endian length, a JSON index [[path, size], ...] (paths
// under heap_device/), then each file's bytes in index order (heap_device/tools/bundle.py).
function unpack(buffer) {
  var size = new DataView(buffer).getUint32(0, true);
  var index = JSON.parse(new TextDecoder().decode(new Uint8Array(buffer, 4, size)));
  var at = 4 + size;
  return index.map(function (entry) {
    var bytes = new Uint8Array(buffer, at, entry[1]);
    at += entry[1];
    return { path: entry[0], bytes: bytes };
  });
}

/** Start Python with heap_device in it; resolves to the bridge module (start, receive). */
export function boot() {
  // Everything at once, in parallel: the interpreter (script and .wasm) and the modules.
  var modules = fetchOk(base + BUILD.pack).then(function (r) { return r.arrayBuffer(); });
  var python = BUILD.runtime === 'pyodide' ? startPyodide() : startMicroPython();
  python.then(function () { mark('python-running'); }, function () {});
  return Promise.all([python, modules]).then(function (got) {
    var py = got[0];
    unpack(got[1]).forEach(function (file) {
      var path = '/heap-device/heap_device/' + file.path;
      py.FS.mkdirTree(path.slice(0, path.lastIndexOf('/')));
      py.FS.writeFile(path, file.bytes);
    });
    mark('modules-written');
    py.runPython('import sys\nsys.path.insert(0, "/heap-device")');
    var bridge = py.pyimport('heap_device.browser.bridge');
    mark('bridge-imported');
    return bridge;
  });
}

if (inWorker) {
  // Now: the worker started at the adapter's tag evaluation. A failure is posted to the page,
  // which says it once, in its words; else Python's first batch says it runs, and from then on
  // the page posts arrays of strings.
  var bridge = null;
  // Answers go back together: every batch from one message of the page's (a burst), posted at
  // least every ANSWER_MS while a long burst is worked through, so Heap's calls do not wait long.
  // The first item's answer (the settings': the loader plan, which asks for heap.js) goes at
  // once, before Python imports the mapping for the messages after it.
  var ANSWER_MS = 20;
  var settled = false;
  self.onmessage = function (event) {
    var answers = [], since = performance.now();
    for (var i = 0; i < event.data.length; i++) {
      var batch = bridge.receive(event.data[i]);
      if (batch) answers.push(batch);
      if (!settled) mark('settings-answered');
      if (answers.length && (!settled || performance.now() - since > ANSWER_MS)) {
        self.postMessage(answers);
        answers = [];
        since = performance.now();
      }
      settled = true;
    }
    if (answers.length) self.postMessage(answers);
  };
  boot().then(function (python) {
    bridge = python;
    self.postMessage([bridge.start()]);
    mark('started');
  }, function (error) {
    self.postMessage({ failed: String((error && error.message) || error) });
  });
}
