/* The data plane panel: what the RudderStack SDK POSTed to the demo server. The server cannot
 * tell the page, so the page asks it every second: the one timer the demo keeps, for a human
 * watching the list fill. */
import { $, el, plural, seconds } from './show.mjs';

function describe(event) {
  const bits = [event.type || '?'];
  if (event.event !== undefined && event.event !== null) bits.push(JSON.stringify(event.event));
  else if (event.type === 'identify' && event.userId) bits.push(JSON.stringify(event.userId));
  else if (event.type === 'group' && event.groupId) bits.push(JSON.stringify(event.groupId));
  else if (event.type === 'page' && event.name) bits.push(JSON.stringify(event.name));
  return bits.join(' ');
}

let count = 0;
function show(posted, onMessage) {
  const body = posted.body;
  const events = body && Array.isArray(body.batch) ? body.batch : [body];
  events.forEach(function (event) {
    if (!event || typeof event !== 'object') event = { type: '(unreadable)' };
    count += 1;
    if (typeof event.messageId === 'string') onMessage(event.messageId);
    const item = el('li', { className: 'dp-event' }, [
      el('details', {}, [
        el('summary', {}, [
          el('code', { className: 'dp-path', text: 'POST ' + posted.path }),
          el('span', { className: 'dp-what', text: describe(event) }),
          el('time', { className: 'when', text: seconds(posted.t - performance.timeOrigin) })
        ]),
        el('pre', { className: 'code', text: JSON.stringify(event, null, 2) })
      ])
    ]);
    $('dataplane').insertBefore(item, $('dataplane').firstChild);
  });
  $('dataplane-count').textContent = plural(count, 'event');
}

/** Start listing; onMessage(messageId) for each message the data plane got. */
export function watchDataplane(onMessage) {
  let since = 0;
  let asking = false;
  function refresh() {
    if (asking) return;
    asking = true;
    fetch('/__dataplane?since=' + since, { cache: 'no-store' })
      .then(function (r) { return r.json(); })
      .then(function (got) {
        got.events.forEach(function (posted) {
          since = Math.max(since, posted.n);
          // The server outlives page loads: show what this page's visit sent.
          if (posted.t >= performance.timeOrigin - 1000) show(posted, onMessage);
        });
      })
      .catch(function () { /* the server stopped: the page keeps what it has */ })
      .then(function () { asking = false; });
  }
  setInterval(refresh, 1000);
  refresh();
}
