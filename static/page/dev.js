/* dev.js (`heap-device build --dev` only): what the demo, the tests and page tools use, and a
 * site's build does without. Heap_RS.running turns true once Python takes items, and each item
 * handed over is announced as a "heap-device:message" event, {messageId, type, message, t}, the
 * message as heap-device received it, in the page's key order. */

import { dispatch } from './heap.js';

/** Turn the dev tools on for this state; `rs` is window.Heap_RS. */
export function devTools(state, rs) {
  state.onRunning = function () { rs.running = true; };
  state.onHandOver = function (text) {
    var item = JSON.parse(text);
    // The settings item is not a message.
    if (typeof item.type !== 'string') return;
    var id = typeof item.messageId === 'string' ? item.messageId : null;
    dispatch('heap-device:message', { messageId: id, type: item.type, message: item });
  };
}
