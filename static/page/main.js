/* main.js: heap-device.js, the doorway between RudderStack's browser SDK and heap_device
 * (Python). The SDK needs a synchronous JS constructor and polls isReady() for at most 11 s, while
 * the Python runtime starts asynchronously. So the page side only says "ready" at once, keeps the
 * page's call order, serialises each message, queues it until Python runs, starts the runtime and
 * applies what Python decided. No mapping rules live here.
 *
 * The build (heap_device/tools/pagejs.py) puts these modules in one classic script and ends it
 * with main(BUILD, startRuntime) (from boot.js or pyscript.js), plus devTools in --dev builds. */

import { listenForSdkReady, makeCustomIntegration, makeHeap } from './ways.js';
import { createState, PREFIX } from './state.js';
import { startWhenDue } from './start.js';
import { fail, listenForFailures } from './transport.js';
import { watchGlobal } from './watch.js';

/** Set heap-device up on this page, once (evaluated again, the first copy wins). */
export function main(build, startRuntime, tools) {
  var rs = (window.Heap_RS = window.Heap_RS || {});
  // included twice (or another Heap_RS owner)
  if (rs.Heap) return;
  // only valid now, during evaluation
  var tag = document.currentScript;
  var state = createState(build, tag, new URL('.', (tag && tag.src) || location.href).href);
  if (tools) tools(state, rs);
  listenForFailures(state);
  var HeapDevice = (window.HeapDevice = window.HeapDevice || {});
  state.customIntegration = HeapDevice.customIntegration = makeCustomIntegration(state);
  rs.Heap = makeHeap(state);
  listenForSdkReady(state);
  try { watchGlobal(state); } catch (e) { console.error(PREFIX + 'could not watch rudderanalytics', e); }
  startWhenDue(window, state.entryUrl, function () {
    try { startRuntime(state); } catch (e) { fail(state, String(e && e.message || e)); }
  });
}
