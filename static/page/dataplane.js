/* dataplane.js (only where RudderStack's Device Mode Transformations are on for our destination):
 * see when the SDK is done with the data plane's answer for each message, so that a message the
 * transformation dropped holds the page's later calls up no longer than that (order.js).
 *
 * The SDK POSTs each message to <dataPlaneUrl>/transform by XMLHttpRequest, the body JSON
 * {metadata, batch: [{orderNo, destinationIds, event}]}, and hands the destination what came
 * back in the request's load handler. An answer it will not ask again for (any status but 429,
 * 5xx and none: those it retries) is final: by its loadend the SDK has handed over what came back,
 * or nothing. The request itself is left exactly as the SDK made it. */

import { answered } from './order.js';

/** Watch the SDK's /transform requests from now on (once per page). */
export function watchTransformRequests(state) {
  var Xhr = window.XMLHttpRequest;
  if (state.transformsWatched || !Xhr || typeof Xhr.prototype.send !== 'function') return;
  state.transformsWatched = true;
  var send = Xhr.prototype.send;
  Xhr.prototype.send = function (body) {
    var ids = transformedIds(body);
    if (ids.length) {
      var xhr = this;
      xhr.addEventListener('loadend', function () {
        if (!isFinal(xhr.status)) return;
        // after the SDK's own handling of that answer (a promise callback of its load handler)
        setTimeout(function () { answered(state, ids); }, 0);
      });
    }
    return send.apply(this, arguments);
  };
}

/** The messageIds a /transform request body carries ([] for any other request). */
export function transformedIds(body) {
  if (typeof body !== 'string' || body.indexOf('"destinationIds"') === -1) return [];
  try {
    var batch = JSON.parse(body).batch, ids = [];
    for (var i = 0; i < batch.length; i++) {
      var id = batch[i] && batch[i].event && batch[i].event.messageId;
      if (typeof id === 'string') ids.push(id);
    }
    return ids;
  } catch (e) {
    return [];
  }
}

// The SDK's isErrRetryable, turned round: 429, 5xx and no answer at all are asked again.
function isFinal(status) {
  return status !== 429 && status >= 200 && status < 500;
}
