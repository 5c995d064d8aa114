/* boot.js (worker builds): start Python in a dedicated module Web Worker, so the page's main
 * thread only posts strings and applies batches; where no worker can start, on the page instead.
 * Either way Python's first batch says it runs, then running() hands over what waited. */

import { applyBatch } from './heap.js';
import { PREFIX, fileUrl } from './state.js';
import { fail, running } from './transport.js';

/** Start the runtime: a worker, else Python on the page. */
export function startRuntime(state) {
  var runtime = fileUrl(state, state.build.runtimeScript), url = runtime, worker;
  try {
    if (new URL(runtime).origin !== location.origin) {
      // A Worker must come from the page's origin: a same-origin blob: module that imports ours
      // (CORS, as for this file) does. A page CSP must then allow blob: in worker-src; import()
      // is checked against script-src, like this file. If it fails, the worker throws: its error
      // event starts Python on the page.
      url = URL.createObjectURL(new Blob(['import(' + JSON.stringify(runtime) + ').catch(' +
        'function (e) { setTimeout(function () { throw e; }); });'], { type: 'text/javascript' }));
    }
    worker = new Worker(url, { type: 'module', name: 'heap-device' });
  } catch (e) {
    return startOnPage(state, 'no Web Worker could start here: ' + (e && e.message || e));
  }
  // Items go over together at the end of the page's current task (a burst of events is one
  // message, not a thousand), and come back as arrays of batches: fewer tasks on the page.
  var outbox = [];
  function post(text) {
    if (!outbox.length) Promise.resolve().then(function () { worker.postMessage(outbox.splice(0)); });
    outbox.push(text);
  }
  worker.onmessage = function (e) {
    if (!Array.isArray(e.data)) return fail(state, e.data && e.data.failed);
    // The first answer says Python runs (its heap-device:ready batch is applied below).
    if (!state.receiver) running(state, post);
    for (var i = 0; i < e.data.length; i++) applyBatch(e.data[i]);
  };
  // The worker itself did not start (CSP, no module workers).
  worker.onerror = function (e) {
    if (e.preventDefault) e.preventDefault();
    if (state.receiver || state.failed) return;
    worker.terminate();
    startOnPage(state, 'the Web Worker did not start' + (e.message ? ': ' + e.message : '') +
      '; a Content-Security-Policy must allow it in worker-src (docs/security.md)');
  };
}

// Python on the page's main thread: the same runtime module, imported instead of a worker.
function startOnPage(state, why) {
  console.info(PREFIX + 'Python runs on the page, not in a Web Worker (' + why + ').');
  var runtime = import(fileUrl(state, state.build.runtimeScript));
  runtime.then(function (module) { return module.boot(); }).then(function (bridge) {
    applyBatch(bridge.start());
    running(state, function (text) {
      var batch = bridge.receive(text);
      if (batch) applyBatch(batch);
    });
  }).catch(function (e) { fail(state, String(e && e.message || e)); });
}
