/* boot.js (worker builds): start Python in a dedicated module Web Worker, so the page's main
 * thread only posts strings and applies batches; where no worker can start, on the page instead.
 * Either way Python's first batch says it runs, then running() hands over what waited (the
 * worker has been sent every item as it came, and holds them until Python runs). */

import { applyBatch } from './heap.js';
import { PREFIX, fileUrl, integrityOf } from './state.js';
import { fail, refuse, running, sendAheadTo, takeBackAhead } from './transport.js';
import { fetchVerified } from './trust.js';

/** Start the runtime: a worker, else Python on the page. */
export function startRuntime(state) {
  var runtime = fileUrl(state, state.build.runtimeScript);
  if (new URL(runtime).origin === location.origin) return startWorker(state, runtime);
  // A Worker must come from the page's origin: a same-origin blob: module does, carrying the
  // runtime module's text once it is verified (trust.js; CORS, as for this file) and its URL, for
  // the files beside it. A page CSP must then allow blob: in worker-src. A same-origin build
  // starts the worker from its URL: the name is the file's content hash, so no cache or CDN can
  // hold other bytes under it, and what the worker loads it verifies itself.
  fetchVerified(runtime, integrityOf(state, state.build.runtimeScript)).then(function (bytes) {
    var text = 'globalThis.HEAP_DEVICE_RUNTIME_URL = ' + JSON.stringify(runtime) + ';\n' +
      new TextDecoder().decode(bytes);
    startWorker(state, URL.createObjectURL(new Blob([text], { type: 'text/javascript' })));
  }).catch(function (e) { stopped(state, e); });
}

function stopped(state, e) {
  if (e && e.refused) refuse(state, e.refused);
  else fail(state, String(e && e.message || e));
}

function startWorker(state, url) {
  var worker;
  try {
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
    if (!Array.isArray(e.data)) return stopped(state, e.data && (e.data.refused ? e.data : e.data.failed));
    // The first answer says Python runs (its heap-device:ready batch is applied below).
    if (!state.receiver) running(state, post);
    for (var i = 0; i < e.data.length; i++) applyBatch(e.data[i]);
  };
  // What waits goes now, and each item as it comes: the worker holds them until Python runs.
  sendAheadTo(state, post);
  // The worker itself did not start (CSP, no module workers).
  worker.onerror = function (e) {
    if (e.preventDefault) e.preventDefault();
    if (state.receiver || state.failed) return;
    worker.terminate();
    startOnPage(state, 'the Web Worker did not start' + (e.message ? ': ' + e.message : '') +
      '; a Content-Security-Policy must allow it in worker-src (docs/security.md)');
  };
}

// Python on the page's main thread: the same runtime module, run by a module script whose
// integrity the browser checks itself, then imported by its URL: the document's module map holds
// the module that script ran, so import() gets that very module, with no second fetch a server
// could answer differently. (Importing verified bytes from a blob: would need blob: in
// script-src, which the policy that refused the worker likely lacks.)
function startOnPage(state, why) {
  takeBackAhead(state);
  console.info(PREFIX + 'Python runs on the page, not in a Web Worker (' + why + ').');
  var url = fileUrl(state, state.build.runtimeScript);
  var expected = integrityOf(state, state.build.runtimeScript);
  runModuleScript(url, expected).then(function () {
    return import(url);
  }, function () {
    // The browser says only "error": fetch it once more to say why (trust.js's words).
    return fetchVerified(url, expected).then(function () {
      throw new Error('the browser did not run ' + url + ' (a network error, or bytes other than ' +
        'the build wrote: its integrity check failed)');
    });
  }).then(function (module) { return module.boot(); }).then(function (bridge) {
    applyBatch(bridge.start());
    running(state, function (text) {
      var batch = bridge.receive(text);
      if (batch) applyBatch(batch);
    });
  }).catch(function (e) { stopped(state, e); });
}

/** Run `url` as a module script, the browser checking its `integrity` (SRI), if any; resolves
 * once it ran, rejects if the browser did not run it. */
export function runModuleScript(url, integrity) {
  return new Promise(function (resolve, reject) {
    var tag = document.createElement('script');
    tag.type = 'module';
    tag.crossOrigin = 'anonymous';
    if (integrity) tag.integrity = integrity;
    tag.onload = function () { tag.remove(); resolve(); };
    tag.onerror = function () { tag.remove(); reject(new Error('not loaded: ' + url)); };
    tag.src = url;
    (document.head || document.documentElement).appendChild(tag);
  });
}
