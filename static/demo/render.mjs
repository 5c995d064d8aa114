/* The inspector's view of one entry (model.mjs), rebuilt from its state whenever it changes:
 * head (type, name, how far it got), the RudderStack call, what the site's transformEvent returned
 * (builds with a transform), the Heap calls, the notes, and the message as heap-device got it. */
import { changesOf, changeText } from './changes.mjs';
import { callsInPageOrder, orderedLike } from './keyorder.mjs';
import { shownName, status } from './model.mjs';
import { $, callText, el, later, seconds, show } from './show.mjs';

function head(entry, state) {
  const named = shownName(entry);
  return el('div', { className: 'entry-head' }, [
    el('span', { className: 'badge type-' + entry.type, text: entry.type }),
    named.name !== undefined ? el('span', { className: 'entry-name', text: named.name,
      title: 'The name Heap got' }) : null,
    named.was !== undefined ? el('span', { className: 'entry-was', text: 'was ' + named.was,
      title: 'The name the page gave it, before transformEvent' }) : null,
    entry.n !== null ? el('span', { className: 'entry-no', text: '#' + entry.n }) : null,
    el('span', { className: 'state state-' + state[0], text: state[1] }),
    entry.dataplane ? el('span', { className: 'dp-ok', text: 'data plane ✓',
      title: 'The local data plane received this message' }) : null,
    el('time', { className: 'when', text: seconds(entry.firedAt),
      title: 'Made ' + seconds(entry.firedAt) + ' after the page started loading' })
  ]);
}

// A call the form did not make: named from the message heap-device got.
function elsewhere(entry) {
  const name = entry.name !== undefined ? JSON.stringify(entry.name) : '';
  return 'rudderanalytics.' + entry.type + '(' + name + ')\n(not fired from this form' +
    (entry.messageId ? '; messageId ' + entry.messageId : '') + ')';
}

function rudderstackSide(entry) {
  return el('div', { className: 'side rs' }, [
    el('h3', { text: entry.fromForm ? 'RudderStack call' : 'RudderStack message' }),
    el('pre', { className: 'code', text: entry.fromForm ? entry.call : elsewhere(entry) })
  ]);
}

// One returned event: what changed against the message, then the whole event, folded.
function returned(event, message, open) {
  const found = changesOf(message, event);
  const whole = el('details', { className: 'returned' }, [
    el('summary', { text: 'The whole event as returned (' + found.unchanged + ' field' +
      (found.unchanged === 1 ? '' : 's') + ' unchanged)' }),
    el('pre', { className: 'code', text: JSON.stringify(orderedLike(event, message), null, 2) })
  ]);
  whole.open = open;
  return el('li', {}, [
    found.changes.length
      ? el('ul', { className: 'changes', 'aria-label': 'What transformEvent changed' },
        found.changes.map(function (change) {
          return el('li', { className: 'change', 'data-kind': change.kind,
            'data-path': change.path, text: changeText(change) });
        }))
      : el('p', { className: 'no-change', text: 'The same as the message heap-device got.' }),
    whole
  ]);
}

// docs/contract.md §9: what the site's transformEvent made of the message: what it changed, the
// rest folded (keys in the page's order). After a failure the notes say what the transformErrors
// setting did with it.
function transformSide(transform, message, opened) {
  const events = Array.isArray(transform.events) ? transform.events : [];
  const said = {
    unchanged: 'Returned the event unchanged.',
    dropped: 'Dropped by transformEvent: Heap gets nothing.',
    error: String(transform.error)
  }[transform.outcome];
  const shown = transform.outcome === 'changed' || transform.outcome === 'split';
  return el('div', { className: 'side transform', 'data-outcome': String(transform.outcome) }, [
    el('h3', { text: 'transformEvent' }),
    said ? el('p', { className: transform.outcome === 'error' ? 'transform-error' : 'no-call',
      text: said }) : null,
    shown ? el('ol', { className: 'transformed' }, events.map(function (event, i) {
      return returned(event, message, opened.indexOf(i) !== -1);
    })) : null
  ]);
}

function heapSide(entry, state, view) {
  const side = el('div', { className: 'side heap' }, [el('h3', { text: 'Heap' })]);
  const report = entry.report;
  if (!report) {
    side.appendChild(el('p', { className: 'pending', text: state[1] }));
    return side;
  }
  const calls = callsInPageOrder(report.calls, entry.message);
  if (calls.length) {
    side.appendChild(el('ol', { className: 'heap-calls' }, calls.map(function (call) {
      return el('li', { className: 'heap-call', 'data-call': JSON.stringify(call) }, [
        el('pre', { className: 'code', text: callText('heap', call[0], call[1]) }),
        el('span', { className: 'after', text: later(report.t - entry.firedAt) })
      ]);
    })));
    if (!view.heapLoaded) {
      side.appendChild(el('p', { className: 'hint', text: view.heapBlocked
        ? "Heap's script did not load, so these calls wait in Heap's queue on this page."
        : "Heap's script had not arrived yet: Heap's queue holds these calls until it does." }));
    }
  } else {
    side.appendChild(el('p', { className: 'no-call', text: report.errors.length
      ? 'No Heap call: heap-device hit an error.' : 'No Heap call. See the notes below for why.' }));
  }
  return side;
}

function notes(report) {
  if (!report || !(report.notes.length || report.errors.length)) return null;
  const items = report.errors.map(function (text) { return ['error', text]; }).concat(report.notes);
  return el('ul', { className: 'notes', 'aria-label': 'What heap-device dropped, cut or refused' },
    items.map(function (note) {
      const level = String(note[0]);
      return el('li', { className: 'note', 'data-level': level }, [
        el('span', { className: 'level', text: level === 'warn' ? 'warning' : level }),
        el('span', { className: 'text', text: String(note[1]) })
      ]);
    }));
}

function received(entry, wasOpen) {
  if (!entry.message) return null;
  const details = el('details', { className: 'message' }, [
    el('summary', { text: 'Message as heap-device received it' }),
    el('pre', { className: 'code', text: show(entry.message) })
  ]);
  details.open = wasOpen;
  return details;
}

/** Show an entry as its state says (view: {runtime, heapLoaded, heapBlocked}): replaces its node,
 * keeping what the reader opened; a removed entry's node goes. */
export function renderEntry(entry, view) {
  const list = $('entries');
  const before = list.querySelector('.entry[data-id="' + entry.id + '"]');
  if (entry.removed) {
    if (before) before.remove();
    return;
  }
  const state = status(entry, view.runtimeReady ? null : view.runtime);
  const wasOpen = !!(before && before.querySelector('details.message[open]'));
  const opened = []; // the returned events the reader unfolded
  if (before) {
    before.querySelectorAll('.transformed > li').forEach(function (item, i) {
      if (item.querySelector('details.returned[open]')) opened.push(i);
    });
  }
  const attrs = { className: 'entry', 'data-type': entry.type, 'data-state': state[0],
    'data-id': String(entry.id), 'data-message-id': entry.messageId || '', 'data-stage': entry.stage,
    'data-reported': String(!!entry.report) };
  if (entry.n !== null) attrs['data-n'] = String(entry.n);
  const node = el('li', attrs, [
    head(entry, state),
    el('div', { className: 'entry-body' + (entry.report && entry.report.transform
      ? ' has-transform' : '') }, [
      rudderstackSide(entry),
      entry.report && entry.report.transform
        ? transformSide(entry.report.transform, entry.message, opened) : null,
      heapSide(entry, state, view)
    ]),
    notes(entry.report),
    received(entry, wasOpen)
  ]);
  if (before) list.replaceChild(node, before);
  else list.insertBefore(node, list.firstChild);
}

/** The count above the list, and the hint shown while it is empty. */
export function renderCount(model) {
  const n = model.entries.length;
  $('entry-count').textContent = n === 0 ? 'No calls yet' : n === 1 ? '1 call' : n + ' calls';
  $('entries-empty').hidden = n > 0;
}
