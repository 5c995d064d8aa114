/* pyscript.js (PyScript builds only): Python on the page through PyScript, for pages that run
 * PyScript already. heap_device/browser/main.py applies Python's first batch with
 * Heap_RS.apply, sets Heap_RS.push (how Python takes an item) and calls Heap_RS.flush: from then
 * on running() hands items over to Heap_RS.push, as the worker build does to its worker. */

import { applyBatch } from './heap.js';
import { fileUrl } from './state.js';
import { fail, running } from './transport.js';

// No PyScript UI on the host page (e.g. the "error" plugin's red banner).
var PLUGINS_OFF = ['!codemirror', '!deprecations-manager', '!donkey', '!error', '!py-editor',
  '!py-game', '!py-terminal'];

/** Start PyScript with heap_device's modules and its entry, heap_device/browser/main.py. */
export function startRuntime(state) {
  var rs = window.Heap_RS, build = state.build;
  rs.apply = applyBatch;
  rs.flush = function () { running(state, function (text) { rs.push(text); }); };
  var py = build.runtime === 'pyodide';
  var files = {};
  build.modules.forEach(function (name) {
    files[fileUrl(state, 'heap_device/' + name)] = './heap_device/' + name;
  });
  var config = {
    interpreter: fileUrl(state, py ? 'pyodide/pyodide.mjs' : 'micropython/micropython.mjs'),
    files: files,
    plugins: PLUGINS_OFF
  };
  var tag = document.createElement('script');
  tag.type = py ? 'py' : 'mpy';
  tag.src = fileUrl(state, 'heap_device/browser/main.py');
  tag.setAttribute('config', JSON.stringify(config));
  var core = document.createElement('script');
  core.type = 'module';
  core.src = fileUrl(state, 'pyscript/core.js');
  core.onerror = function () { fail(state, 'could not load ' + core.src); };
  document.head.append(tag, core);
}
