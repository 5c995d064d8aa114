/* heap-device-runtime.js: starts the Python runtime (MicroPython or Pyodide) and hands it strings.
 * heap-device.js runs this module as a dedicated Web Worker (the default), or imports it on the
 * page where no worker can start. Python answers each handed-over JSON string with a batch (JSON
 * text) that heap-device.js applies on the page; this file knows no rule, only how to start. */

// Written by `heap-device build`: the interpreter, the file that holds the modules not frozen
// into it (null: none), the interpreter's folder, as served (named by their content), the sha384
// of each file this module loads (by that name; trust.js) and (only in --dev builds) dev: true.
var BUILD = {"runtime": "micropython", "pack": null, "interpreter": "micropython/", "integrity": {}};

// Dev builds mark each start-up step in the worker's timeline (the bench reads them).
function mark(step) { if (BUILD.dev) performance.mark('heap-device:' + step); }

// trust.js

// MicroPython builds: our MicroPython's glue (static/runtime/), defines createHeapDevicePython.
// micropython glue

// This module's folder. A build on another origin starts it from a same-origin blob: that
// carries its verified text (static/page/boot.js) and says where it came from.
var base = new URL('.', globalThis.HEAP_DEVICE_RUNTIME_URL || import.meta.url).href;
var inWorker = typeof WorkerGlobalScope !== 'undefined' && self instanceof WorkerGlobalScope;

// A file of the build, verified against the sha384 the build wrote (BUILD.integrity, by name).
function fetchFile(url) {
  return fetchVerified(url, BUILD.integrity[url.slice(base.length)]);
}

// The interpreter's script, once its bytes are verified. It is then imported by its URL (from
// the HTTP cache: every file of a build is named by its content and cached for good); importing
// the verified bytes from a blob: would need blob: in the page's script-src.
function importVerified(url) {
  return fetchFile(url).then(function () { return import(url); });
}

// Every other file of the interpreter's folder that it fetches (Pyodide's .wasm, standard
// library and lock file) is asked for at once, beside its script. In the worker (whose global
// scope is ours) the interpreter starts once its script is in, and its own fetch of each file is
// answered with the verified bytes (a refused file never answers: the refusal alone is said). On
// the page (whose fetch is the site's) it starts once all are verified and fetches each again,
// normally from the HTTP cache (a blob: URL would need blob: in the page's connect-src).
function startInterpreter(script, start) {
  var names = Object.keys(BUILD.integrity).filter(function (name) {
    return name.indexOf(BUILD.interpreter) === 0 && !/\.m?js$/.test(name);
  });
  var files = {};
  names.forEach(function (name) { files[base + name] = fetchFile(base + name); });
  var verified = Promise.all(names.map(function (name) { return files[base + name]; }));
  var realFetch = self.fetch;
  if (inWorker && names.length) {
    self.fetch = function (resource, options) {
      var url = new URL(String(resource.url || resource), base).href;
      if (!files || !files[url]) return realFetch(resource, options);
      var type = /\.wasm$/.test(url) ? 'application/wasm' : 'application/octet-stream';
      return files[url].then(function (bytes) {
        return new Response(bytes, { headers: { 'Content-Type': type } });
      }, function () { return new Promise(function () {}); });
    };
  }
  var ready = inWorker ? script : Promise.all([script, verified]).then(function (got) { return got[0]; });
  var python = ready.then(function (module) {
    mark('interpreter-script');
    return start(module, base + BUILD.interpreter);
  }).then(function (python) {
    // Python runs: the bytes are let go, fetch is the worker's own again.
    files = null;
    if (self.fetch !== realFetch) self.fetch = realFetch;
    return python;
  });
  return Promise.all([python, verified]).then(function (got) { return got[0]; });
}

// The one module a MicroPython build's pack holds: the site's transform (docs/contract.md §9).
var SITE_FILE = 'site_transform.mpy';

// heap-device's MicroPython: the glue is this file's own (verified with it), the .wasm is
// compiled as it arrives and instantiated once verified, heap_device is frozen in, and a site's
// transform is handed over in memory. Resolves to the bridge: start(), receive(text).
function startMicroPython() {
  var wasm = compileVerified(base + BUILD.interpreter + 'micropython.wasm');
  var pack = BUILD.pack ? fetchFile(base + BUILD.pack) : Promise.resolve(null);
  var python = new Promise(function (resolve, reject) {
    wasm.catch(reject); // a missing or refused .wasm is said as such
    createHeapDevicePython({
      instantiateWasm: function (imports, receive) {
        wasm.then(function (module) {
          return WebAssembly.instantiate(module, imports);
        }).then(function (instance) { receive(instance); }, reject);
        return {};
      },
      print: function (text) { console.log(text); },
      printErr: function (text) { console.warn(text); }
    }).then(resolve, reject);
  });
  return Promise.all([python, pack]).then(function (got) {
    mark('python-running');
    return micropythonBridge(got[0], got[1] && unpack(got[1]));
  });
}

// The .wasm as a compiled WebAssembly.Module, once its bytes are what the build wrote. It is
// compiled while it arrives (compiling runs nothing; the browser overlaps it with the download)
// and a copy is hashed once all of it is in (trust.js): only then can it be instantiated. The
// fetch's own Response is compiled: Chromium keeps its compiled code with the cached file and a
// later visit skips compiling (a Response made here has no cache). Where no stream can be
// compiled (no compileStreaming, a server that does not say application/wasm), the bytes are.
function compileVerified(url) {
  return fetchFound(url).then(function (response) {
    var streamed = null;
    if (typeof WebAssembly.compileStreaming === 'function' && response.body) {
      var copy = response.clone();
      streamed = WebAssembly.compileStreaming(response);
      streamed.catch(function () {}); // bytes that do not compile are refused by verify() first
      response = copy;
    }
    return response.arrayBuffer().then(function (bytes) {
      return verify(url, bytes, BUILD.integrity[url.slice(base.length)]);
    }).then(function (bytes) {
      mark('interpreter-script');
      return (streamed || Promise.reject(null)).catch(function () { return WebAssembly.compile(bytes); });
    });
  });
}

/** The bridge of a started MicroPython (`module`, the glue's) given the pack's files; only
 * strings cross (runtime/web/main.c). */
export function micropythonBridge(module, files) {
  var encoder = new TextEncoder(), decoder = new TextDecoder();
  function put(bytes) {
    module.HEAPU8.set(bytes, module._hd_buffer(bytes.length));
    return bytes.length;
  }
  function cText(at) {
    var end = module.HEAPU8.indexOf(0, at);
    return decoder.decode(module.HEAPU8.subarray(at, end));
  }
  (files || []).forEach(function (file) {
    if (file.path !== SITE_FILE) throw new Error('the module pack holds ' + file.path + ', which this runtime cannot load');
    module._hd_site(put(file.bytes));
  });
  if (files) mark('modules-written');
  var failed = module._hd_init();
  if (failed) throw new Error('Python could not start: ' + cText(failed));
  mark('bridge-imported');
  function call(which, text) {
    var at = module._hd_call(which, text === undefined ? 0 : put(encoder.encode(text)));
    if (!at) throw new Error(cText(module._hd_error()));
    return decoder.decode(module.HEAPU8.subarray(at, at + module._hd_length()));
  }
  return {
    start: function () { return call(0); },
    receive: function (text) { return call(1, text); }
  };
}

// Pyodide: its script and the one it imports (pyodide.asm.mjs) are verified before it starts,
// then imported by URL; every other file it fetches is verified through the worker's fetch.
function startPyodide() {
  var folder = base + BUILD.interpreter;
  var asm = fetchFile(folder + 'pyodide.asm.mjs');
  var script = Promise.all([importVerified(folder + 'pyodide.mjs'), asm]).then(function (got) {
    return got[0];
  });
  var modules = fetchFile(base + BUILD.pack);
  var python = startInterpreter(script, function (module) {
    return module.loadPyodide({ indexURL: folder });
  });
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

/** Start Python with heap_device in it; resolves to the bridge (start, receive). Everything
 * it needs is asked for at once, in parallel. */
export function boot() {
  return BUILD.runtime === 'pyodide' ? startPyodide() : startMicroPython();
}

if (inWorker) {
  // Now: the worker started at the adapter's tag evaluation. A failure is posted to the page,
  // which says it once; else Python's first batch says it runs. The page sends each item (JSON
  // text, in arrays) as it comes: those before Python runs wait here, in order, and the settings
  // are answered as soon as it runs, not once the page's (often busy) main thread has heard so.
  // A number takes back the item sent as that number (from 0): the page's queue cap dropped it.
  var bridge = null, held = [], sent = 0, settled = false;
  // Answers go back together: every batch from one message of the page's (a burst), posted at
  // least every ANSWER_MS while a long burst is worked through. The first item's answer (the
  // settings': the loader plan, which asks for heap.js) goes at once.
  var ANSWER_MS = 60;
  var answer = function (items) {
    var answers = [], since = performance.now();
    for (var i = 0; i < items.length; i++) {
      if (typeof items[i] !== 'string') continue; // taken back too late: Python had it
      var batch = bridge.receive(items[i]);
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
  self.onmessage = function (event) {
    if (!sent++) mark('settings-received');
    if (bridge) return answer(event.data);
    if (!held) return; // Python could not start (the page was told): nothing takes them
    event.data.forEach(function (item) {
      if (typeof item === 'string') held.push(item);
      else held[item] = null;
    });
  };
  boot().then(function (python) {
    bridge = python;
    self.postMessage([bridge.start()]);
    mark('started');
    var waiting = held.filter(function (item) { return item !== null; });
    held = null;
    answer(waiting);
  }, function (error) {
    held = null;
    self.postMessage({ failed: String((error && error.message) || error), refused: error && error.refused });
  });
}
