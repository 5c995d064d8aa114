/* The inspector's state: one entry per RudderStack call, keyed by its messageId, moved by events
 * only. An entry goes through these stages, never back:
 *   made      the form called the SDK
 *   accepted  the SDK's callback gave the message it made, so its messageId
 *   handed    heap-device:message: heap-device got the message (detail.message: the page's copy)
 *   called    heap-device:calls: what Heap got from it (detail.calls, notes, errors, transform)
 * The data plane is a flag beside the stages (its POST can come before or after the Heap calls).
 * Events arrive in any order: a message seen before the SDK's callback is an entry of its own
 * ("not fired from this form") until the callback claims it, then the two are one.
 * A reset has no messageId: heap-device hands resets over in the order the page made them, so the
 * k-th reset the form made is the k-th reset heap-device got (and the k-th it reported). */

export const STAGES = ['made', 'accepted', 'handed', 'called'];

export function createModel() {
  return { entries: [], byKey: new Map(), counts: {}, dataplane: new Set(), ids: 0, calls: 0 };
}

function count(model, what, type) {
  const name = what + ':' + type;
  model.counts[name] = (model.counts[name] || 0) + 1;
  return type + '#' + model.counts[name];
}

function advance(entry, stage) {
  if (STAGES.indexOf(stage) > STAGES.indexOf(entry.stage)) entry.stage = stage;
}

// id: the entry's own, for the view; n: the form's call number (#1, #2, …), null for the others.
function newEntry(model, fields) {
  model.ids += 1;
  if (fields.fromForm) model.calls += 1;
  const entry = {
    id: model.ids, n: fields.fromForm ? model.calls : null, key: null, type: fields.type, name: fields.name, call: fields.call || null,
    fromForm: !!fields.fromForm, firedAt: fields.t, stage: 'made', refused: null,
    messageId: null, message: null, report: null, dataplane: false, removed: false
  };
  model.entries.push(entry);
  return entry;
}

function bind(model, entry, key) {
  entry.key = key;
  model.byKey.set(key, entry);
  if (model.dataplane.has(key)) entry.dataplane = true;
}

/** The form called the SDK: {type, name, call (its text), t}. Returns the new entry. */
export function made(model, call) {
  const entry = newEntry(model, { ...call, fromForm: true });
  if (call.type === 'reset') bind(model, entry, count(model, 'made', 'reset'));
  return entry;
}

/** The SDK's callback for the form's call: its messageId. Returns the entries that changed
 * (an entry the events had made for that messageId merges into this one and is removed). */
export function accepted(model, entry, messageId) {
  const other = model.byKey.get(messageId);
  entry.messageId = messageId;
  advance(entry, 'accepted');
  entry.refused = null; // late, but the SDK did take it
  if (!other || other === entry) {
    bind(model, entry, messageId);
    return [entry];
  }
  entry.message = other.message;
  entry.report = other.report;
  advance(entry, other.stage);
  other.removed = true;
  model.entries.splice(model.entries.indexOf(other), 1);
  bind(model, entry, messageId);
  return [entry, other];
}

/** Calling the SDK threw: the call never became a message. */
export function refused(model, entry, why) {
  if (entry.stage === 'made') entry.refused = why;
  return entry;
}

// The entry an event is about: by messageId, else (resets) by order; made here when no call of
// the form is it (a call made elsewhere on the page).
function about(model, detail, what) {
  const id = typeof detail.messageId === 'string' && detail.messageId ? detail.messageId : null;
  const key = id || count(model, what, detail.type || 'unknown');
  let entry = model.byKey.get(key);
  if (!entry) {
    const message = detail.message || {};
    entry = newEntry(model, { type: detail.type || 'unknown', name: nameOf(detail.type, message),
      t: detail.t });
    entry.messageId = id;
    bind(model, entry, key);
  }
  return entry;
}

/** heap-device:message: heap-device got a message (the page's own copy, in the page's key order).
 * Returns the entry, or null for an item that is not a message (the settings). */
export function handedOver(model, detail) {
  if (!detail || !detail.type) return null;
  const entry = about(model, detail, 'message');
  entry.message = detail.message || null;
  if (entry.name === undefined) entry.name = nameOf(entry.type, entry.message || {});
  advance(entry, 'handed');
  return entry;
}

/** heap-device:calls: what heap-device made of a message. Returns the entry. */
export function reported(model, detail) {
  const entry = about(model, detail || {}, 'calls');
  entry.report = {
    calls: Array.isArray(detail.calls) ? detail.calls : [],
    notes: Array.isArray(detail.notes) ? detail.notes : [],
    errors: Array.isArray(detail.errors) ? detail.errors : [],
    transform: detail.transform || null,
    t: detail.t
  };
  advance(entry, 'called');
  return entry;
}

/** The data plane received a message. Returns its entry, or null when none has that id yet. */
export function sentToDataplane(model, messageId) {
  model.dataplane.add(messageId);
  const entry = model.byKey.get(messageId);
  if (!entry) return null;
  entry.dataplane = true;
  return entry;
}

/** The Clear button: entries go; what is known about messages still to come stays. */
export function clear(model) {
  model.entries.forEach(function (entry) { entry.removed = true; });
  model.entries.length = 0;
}

/** What names a message for a reader: the event, the user, the page, the account. */
export function nameOf(type, message) {
  const value = {
    track: message.event, identify: message.userId, page: message.name,
    group: message.groupId, alias: message.userId
  }[type];
  return typeof value === 'string' && value ? value : undefined;
}

/** The name an entry's header shows: the event name(s) Heap got, once its calls are known (a site's
 * transformEvent may have renamed or split the event), else the message's. {name, was}: was is
 * the message's own name when Heap got another. */
export function shownName(entry) {
  const report = entry.report;
  const tracked = [];
  if (report && (entry.type === 'track' || report.transform)) {
    report.calls.forEach(function (call) {
      const name = call[0] === 'track' && Array.isArray(call[1]) ? call[1][0] : undefined;
      if (typeof name === 'string' && tracked.indexOf(name) === -1) tracked.push(name);
    });
  }
  if (!tracked.length) return { name: entry.name, was: undefined };
  const name = tracked.join(' + ');
  return { name: name, was: entry.name !== undefined && entry.name !== name ? entry.name : undefined };
}

/** How far an entry got, for a reader: [state, text]; runtime = the runtime's name when it is not
 * running yet. */
export function status(entry, runtime) {
  const report = entry.report;
  if (report) {
    if (report.errors.length) return ['error', 'Error'];
    const n = report.calls.length;
    return n ? ['ok', n + ' Heap call' + (n === 1 ? '' : 's')] : ['none', 'No Heap call'];
  }
  if (entry.refused) return ['error', 'Refused by RudderStack'];
  if (entry.stage === 'made' && entry.type !== 'reset') return ['wait', 'Waiting for RudderStack…'];
  if (entry.stage === 'accepted') return ['wait', 'Waiting for RudderStack to pass it on…'];
  // A reset goes from the page to heap-device (the SDK never passes reset on), once every call
  // made before it has been.
  if (runtime) return ['wait', 'Queued until ' + runtime + ' is ready…'];
  return ['wait', 'Waiting for heap-device…'];
}
