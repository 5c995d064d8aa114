/* ways.js: the two ways the RudderStack SDK reaches heap-device. Both share one start (the first
 * hands the settings over) and one stream of messages (each messageId taken once). */

import { watchTransformRequests } from './dataplane.js';
import { releaseHeld, settleAll, takeMessage } from './order.js';
import { plain } from './serialise.js';
import { PREFIX } from './state.js';
import { handOver } from './transport.js';

var TYPES = ['identify', 'track', 'page', 'group', 'alias'];

/** Way in 1: the "Heap.io" destination; the SDK finds this constructor as window.Heap_RS.Heap. */
export function makeHeap(state) {
  function Heap(config, analytics, destinationInfo) {
    this.name = 'HEAP';
    this.analytics = analytics;
    this.destinationInfo = destinationInfo;
    var id = destinationInfo && destinationInfo.destinationId;
    if (destinationInfo && destinationInfo.shouldApplyDeviceModeTransformation === true) {
      state.sdkTransforms = true; // (a Custom Device Mode destination is not told)
      watchTransformRequests(state);
    }
    construct(state, config, 'Heap.io', analytics, id);
  }
  Heap.prototype.init = function () {};
  // never waits on Python
  Heap.prototype.isReady = function () { return true; };
  // the v1.1 SDK polls this one
  Heap.prototype.isLoaded = function () { return true; };
  TYPES.forEach(function (type) {
    Heap.prototype[type] = function (rudderElement) {
      fromSdk(state, rudderElement && rudderElement.message, 'Heap.io');
    };
  });
  return Heap;
}

/** Way in 2: a "Custom Device Mode" destination (SDK v3.23+), registered with
 * rudderanalytics.addCustomIntegration('<destination id>', HeapDevice.customIntegration) or by
 * data-destination-id on our tag. The SDK copies the object's functions: none uses `this`. */
export function makeCustomIntegration(state) {
  var integration = {
    init: function (config) { construct(state, config, 'Custom Device Mode', null, null); },
    isReady: function () { return true; }
  };
  TYPES.forEach(function (type) {
    integration[type] = function (analytics, logger, event) {
      fromSdk(state, event && event.message, 'Custom Device Mode');
    };
  });
  return integration;
}

// The first way in hands the settings over; a second SDK instance or way in only warns.
function construct(state, config, way, analytics, destinationId) {
  if (state.owner) {
    if (state.owner !== way && !state.bothWarned) {
      state.bothWarned = true;
      console.warn(PREFIX + 'both a "Heap.io" and a "Custom Device Mode" destination use ' +
        'heap-device on this page; Heap is loaded once and each message is sent to it once. ' +
        'Remove one of the two destinations.');
    }
    return;
  }
  state.owner = way;
  var settings = { config: plain(config || {}, []), options: state.optionsText, dev: !!state.build.dev };
  var id = typeof destinationId === 'string' ? destinationId : state.tagDestinationId;
  if (typeof id === 'string') settings.destinationId = id;
  handOver(state, JSON.stringify(settings), true);
  // v1.1 hands over its whole instance
  if (analytics && typeof analytics.ready === 'function') {
    try { analytics.ready(function () { sdkReadySoon(state); }); } catch (e) {}
  }
  releaseHeld(state);
}

/** Settle every logged call once the SDK has handed over what it buffered: v3 announces
 * RSA_Ready; v1.1 calls ready() callbacks just before it replays, so one task later it is done. */
export function listenForSdkReady(state) {
  document.addEventListener('RSA_Ready', function () { sdkReadySoon(state); });
}

function sdkReadySoon(state) {
  setTimeout(function () { settleAll(state); }, 0);
}

// One message, through either way in: the same message through the other way is dropped. The same
// messageId twice through one way is two messages (a transformation that split one in two).
function fromSdk(state, message, way) {
  var id = message && typeof message.messageId === 'string' ? message.messageId : null;
  if (id !== null && id === state.lastId && way !== state.lastWay) return;
  if (id !== null) { state.lastId = id; state.lastWay = way; }
  takeMessage(state, message);
}
