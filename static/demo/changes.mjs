/* What a site's transformEvent changed, for the inspector's transform column: each event it
 * returned against the message heap-device got, field by field (dotted paths), so a rename or a
 * masked field stands out and the fifty unchanged lines of context can stay folded. */

function isObject(value) {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** Whether two JSON values are equal (objects whatever their key order). */
export function same(a, b) {
  if (Array.isArray(a) || Array.isArray(b)) {
    return Array.isArray(a) && Array.isArray(b) && a.length === b.length &&
      a.every(function (item, i) { return same(item, b[i]); });
  }
  if (isObject(a) || isObject(b)) {
    if (!isObject(a) || !isObject(b)) return false;
    const keys = Object.keys(a);
    return keys.length === Object.keys(b).length && keys.every(function (key) {
      return Object.prototype.hasOwnProperty.call(b, key) && same(a[key], b[key]);
    });
  }
  return a === b;
}

// Fields a value holds: an object counts its own, anything else is one.
function fields(value) {
  if (!isObject(value)) return 1;
  return Object.keys(value).reduce(function (n, key) { return n + fields(value[key]); }, 0);
}

// The fields that name an event: changing one renames it.
const NAMES = { event: true, name: true };

/** `after` (an event transformEvent returned) against `before` (the message heap-device got, as
 * the transform saw it: JSON, so Dates as text): {changes: [{kind, path, from, to}], unchanged}.
 * kind is "renamed" (the event's name), "changed", "added" or "removed"; changes come in the
 * message's order, fields the transform added after; unchanged counts the fields left alone. */
export function changesOf(before, after) {
  const changes = [];
  let unchanged = 0;
  function walk(a, b, path) {
    if (isObject(a) && isObject(b)) {
      Object.keys(a).forEach(function (key) {
        const at = path ? path + '.' + key : key;
        if (Object.prototype.hasOwnProperty.call(b, key)) walk(a[key], b[key], at);
        else changes.push({ kind: 'removed', path: at, from: a[key] });
      });
      Object.keys(b).forEach(function (key) {
        if (!Object.prototype.hasOwnProperty.call(a, key)) {
          changes.push({ kind: 'added', path: path ? path + '.' + key : key, to: b[key] });
        }
      });
    } else if (same(a, b)) {
      unchanged += fields(a);
    } else {
      changes.push({ kind: NAMES[path] ? 'renamed' : 'changed', path: path, from: a, to: b });
    }
  }
  walk(asJson(before), asJson(after), '');
  return { changes: changes, unchanged: unchanged };
}

// What JSON keeps of a value (the page's copy may hold Dates and undefined; the transform saw text).
function asJson(value) {
  const text = JSON.stringify(value);
  return text === undefined ? null : JSON.parse(text);
}

function valueText(value) {
  const limit = 80;
  const text = JSON.stringify(value);
  const shown = text === undefined ? 'undefined' : text;
  return shown.length > limit ? shown.slice(0, limit - 1) + '…' : shown;
}

/** One change as a line a reader scans: `changed properties.email: "a@b.c" → "***"`. */
export function changeText(change) {
  if (change.kind === 'added') return 'added ' + change.path + ': ' + valueText(change.to);
  if (change.kind === 'removed') return 'removed ' + change.path + ': ' + valueText(change.from);
  return change.kind + ' ' + change.path + ': ' + valueText(change.from) + ' → ' +
    valueText(change.to);
}
