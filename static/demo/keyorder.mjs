/* The page's key order, for the inspector. Heap's calls come back from Python, and MicroPython's
 * dicts keep no order, so `heap.track("Order Completed", {...})` would list the properties in
 * another order than the page gave them. The same keys, in the page's order, read as the page's
 * own call: the order of the message heap-device got (heap-device:message), walked depth first
 * ("shipping.address.city" after "shipping.method", as Heap's flattened names go). */

// Where a message keeps what the page gave: properties (track, page), traits (group; identify
// in SDK v1.1), context.traits (identify in SDK v3).
function sections(message) {
  const context = message.context || {};
  return [message.properties, message.traits, context.traits];
}

function isObject(value) {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** Dotted paths of a message's properties and traits, in the page's order. */
export function pageOrder(message) {
  const order = [];
  function walk(value, prefix) {
    Object.keys(value).forEach(function (key) {
      const path = prefix ? prefix + '.' + key : key;
      if (order.indexOf(path) === -1) order.push(path);
      if (isObject(value[key])) walk(value[key], path);
    });
  }
  if (isObject(message)) sections(message).forEach(function (s) { if (isObject(s)) walk(s, ''); });
  return order;
}

// A key's place: its own, else the place of the longest path it starts with (its parent object);
// keys the page never gave ("account_id", say) go last, in the order they came.
function rank(key, order) {
  for (let path = key; path; path = path.slice(0, Math.max(path.lastIndexOf('.'), 0))) {
    const i = order.indexOf(path);
    if (i !== -1) return i;
  }
  return order.length;
}

/** A copy of a plain object with its keys in the page's order (anything else as it is). Keys
 * that read as whole numbers still come first: JavaScript objects always list them so. */
export function inPageOrder(value, order) {
  if (!isObject(value)) return value;
  const keys = Object.keys(value);
  const ranked = keys.map(function (key) { return [rank(key, order), key]; });
  ranked.sort(function (a, b) { return a[0] - b[0]; }); // stable: equal ranks keep their order
  const out = {};
  ranked.forEach(function (r) { // defineProperty: a "__proto__" key stays a key
    Object.defineProperty(out, r[1], { value: value[r[1]], enumerable: true, writable: true,
      configurable: true });
  });
  return out;
}

/** Heap calls ([method, args]) with their object arguments in the page's order. */
export function callsInPageOrder(calls, message) {
  const order = pageOrder(message);
  return calls.map(function (call) {
    const args = Array.isArray(call[1]) ? call[1] : [];
    return [call[0], args.map(function (arg) { return inPageOrder(arg, order); })];
  });
}

/** A copy of `value` (JSON) with each object's keys in the order of the same object in `model`
 * (the message the page handed over), at every depth: an event as transformEvent returned it
 * reads like the page's. */
export function orderedLike(value, model) {
  if (Array.isArray(value)) {
    return value.map(function (item, i) {
      return orderedLike(item, Array.isArray(model) ? model[i] : undefined);
    });
  }
  if (!isObject(value)) return value;
  const like = isObject(model) ? model : {};
  const shown = inPageOrder(value, Object.keys(like));
  Object.keys(shown).forEach(function (key) { shown[key] = orderedLike(shown[key], like[key]); });
  return shown;
}
