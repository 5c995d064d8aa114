/* The demo page: loads RudderStack with a local source config (heap-device as its Heap
 * destination), fires the calls the form describes, and shows what happened, from events only
 * (watch.js records them from the start): the start-up timeline, each call beside the Heap calls
 * heap-device made from it, and the data plane. No mapping rules here: the Heap side is only ever
 * what heap-device reported. */
import { watchDataplane } from './dataplane.mjs';
import { setUpForm } from './form.mjs';
import { accepted, clear, createModel, handedOver, made, refused, reported,
  sentToDataplane } from './model.mjs';
import { renderCount, renderEntry } from './render.mjs';
import { $, callText } from './show.mjs';
import { addProblem, mark, markFailed, marked, watchPageLoad } from './startup.mjs';

const cfg = JSON.parse($('demo-config').textContent);
const model = createModel();
const view = { runtime: cfg.runtime, runtimeReady: false, heapLoaded: false, heapBlocked: false };

function draw(entries) {
  entries.forEach(function (entry) { if (entry) renderEntry(entry, view); });
  renderCount(model);
}
function waiting() { return model.entries.filter(function (entry) { return !entry.report; }); }
function now(detail) { return typeof detail.t === 'number' ? detail.t : performance.now(); }

// What watch.js recorded, by kind.
const ON = {
  ready: function (detail) {
    mark('runtimeReady', now(detail));
    view.runtimeReady = true;
    draw(waiting());
  },
  message: function (detail) { draw([handedOver(model, detail)]); },
  calls: function (detail) {
    if (Array.isArray(detail.calls) && detail.calls.length && !marked('firstCall')) {
      mark('firstCall', now(detail));
    }
    draw([reported(model, detail)]);
  },
  heapLoaded: function (detail) {
    mark('heapLoaded', now(detail));
    view.heapLoaded = true;
    draw(model.entries);
  },
  failedFile: function (file) {
    if (!file.heap) return addProblem('error', 'Could not load ' + file.url + '.');
    markFailed('heapLoaded', 'blocked'); // heap-device says so itself (a warning)
    view.heapBlocked = true;
  },
  problem: function (item) { addProblem(item.level === 'error' ? 'error' : 'warn', item.text); }
};

// Which way in (?way=custom): the "Heap.io" destination, or a "Custom Device Mode" one that the
// page registers with addCustomIntegration before load(). (A real Custom Device Mode destination
// has no appId field: the tag's data-options give it. Here the demo's source config carries it.)
function loadSdk() {
  const way = /[?&]way=custom(&|$)/.test(location.search) ? 'custom' : 'heap';
  const destination = way === 'custom'
    ? { id: 'heap-demo-custom', name: 'heap-device', enabled: true, config: cfg.destination,
      destinationDefinition: { name: 'CUSTOM_DEVICE_MODE', displayName: 'Custom Device Mode' } }
    : { id: 'heap-demo', name: 'Heap.io', enabled: true, config: cfg.destination,
      destinationDefinition: { name: 'HEAP', displayName: 'Heap.io' } };
  document.querySelectorAll('#way a').forEach(function (link) {
    if (link.getAttribute('data-way') === way) link.setAttribute('aria-current', 'page');
  });
  try {
    const ra = new window.rudderanalytics.RudderAnalytics();
    if (way === 'custom') ra.addCustomIntegration(destination.id, window.HeapDevice.customIntegration);
    ra.ready(function () { mark('sdkReady', performance.now()); });
    ra.load(cfg.writeKey, location.origin, {
      getSourceConfig: function () {
        return { source: { id: 'demo-source', name: 'heap-device demo', workspaceId: 'demo',
          enabled: true, config: {}, destinations: [destination] } };
      },
      // Never requested: heap-device's snippet has already mounted window.Heap_RS.Heap.
      destSDKBaseURL: location.origin + '/js-integrations',
      polyfillIfRequired: false,
      logLevel: 'WARN'
    });
  } catch (e) {
    addProblem('error', 'The RudderStack SDK could not start: ' + e.message);
  }
}

const SLOTS = { identify: 2, track: 2, page: 3, group: 2, alias: 2 }; // arguments before options

// The SDK hands a call's callback the message it made: its messageId joins the call to
// heap-device's events about that message.
function fire(call) {
  const ra = window.rudderanalytics;
  const entry = made(model, { type: call.type, name: call.name, t: performance.now(),
    call: callText('rudderanalytics', call.type, call.args) });
  draw([entry]);
  if (call.type === 'reset') return ra.reset();
  const args = call.args.slice();
  while (args.length < SLOTS[call.type] + 1) args.push(undefined); // the options slot stays empty
  args.push(function (message) {
    if (message && typeof message.messageId === 'string') draw(accepted(model, entry, message.messageId));
  });
  try {
    ra[call.type].apply(ra, args);
  } catch (e) {
    draw([refused(model, entry, e.message)]);
    addProblem('error', 'rudderanalytics.' + call.type + ' threw: ' + e.message);
  }
}

watchPageLoad();
window.heapDemoWatch.subscribe(function (kind, detail) { ON[kind](detail); });
watchDataplane(function (messageId) { draw([sentToDataplane(model, messageId)]); });
loadSdk();
setUpForm(fire);
$('clear').addEventListener('click', function () {
  clear(model);
  $('entries').textContent = '';
  renderCount(model);
});
renderCount(model);
