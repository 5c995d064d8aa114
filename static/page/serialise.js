/* serialise.js: the JSON-ready copy of a message (docs/contract.md §5), whole or only its fields. */

import { PREFIX } from './state.js';

/** A JSON-ready copy (§5): Dates -> ISO text; undefined, functions and symbols vanish; an object
 * already on the current path vanishes (a cycle); BigInt -> decimal text; NaN/±Infinity -> null. */
export function plain(value, path) {
  var t = typeof value;
  if (value === null || t === 'string' || t === 'boolean') return value;
  if (t === 'number') return isFinite(value) ? value : null;
  if (t === 'bigint') return value.toString();
  if (t !== 'object') return undefined;
  if (value instanceof Date) return isNaN(value.getTime()) ? null : value.toISOString();
  if (path.indexOf(value) !== -1) return undefined;
  path.push(value);
  // '__proto__' stays a key
  var out = Array.isArray(value) ? [] : Object.create(null);
  var keys = Object.keys(value);
  for (var i = 0; i < keys.length; i++) {
    var item;
    // A throwing getter: its key vanishes.
    try { item = plain(value[keys[i]], path); } catch (e) { item = undefined; }
    if (item === undefined) continue;
    if (Array.isArray(out)) out.push(item); else out[keys[i]] = item;
  }
  path.pop();
  return out;
}

/** Only the fields Python's mapping reads (BUILD.fields, e.g. {type: true, context: {traits:
 * true}}), each copied by plain(): the SDK's context is most of a message. */
export function pick(value, fields, path) {
  if (fields === true || !value || typeof value !== 'object' || Array.isArray(value) ||
      value instanceof Date) return plain(value, path);
  if (path.indexOf(value) !== -1) return undefined;
  path.push(value);
  var out = Object.create(null);
  for (var key in fields) {
    if (!Object.prototype.hasOwnProperty.call(value, key)) continue;
    var item;
    try { item = pick(value[key], fields[key], path); } catch (e) { item = undefined; }
    if (item !== undefined) out[key] = item;
  }
  path.pop();
  return out;
}

// The browser's own Date methods, as the page found them: JSON.stringify calls a Date's toJSON,
// plain() its toISOString; a page that replaced either gets plain().
var DATE_TO_JSON = Date.prototype.toJSON, DATE_TO_ISO = Date.prototype.toISOString;

/** Whether the browser's JSON.stringify(value) writes exactly the text of plain(value), so the
 * copy can be skipped: strings, numbers, booleans, null, Dates with the browser's own methods,
 * arrays of those (no holes, no extra keys, no undefined, function or symbol: JSON writes null
 * where plain() drops them) and objects of those (whose undefined, functions and symbols both
 * leave out). No BigInt, no other toJSON, no boxed primitive, nothing deeper than 100 (a cycle,
 * which plain() cuts and JSON throws on). A getter that throws throws here. */
export function jsonReady(value, depth, inArray) {
  var t = typeof value, i;
  if (t === 'string' || t === 'number' || t === 'boolean' || value === null) return true;
  if (t !== 'object') return !inArray && t !== 'bigint';
  if (depth > 100) return false;
  if (value instanceof Date) return value.toJSON === DATE_TO_JSON && value.toISOString === DATE_TO_ISO;
  if (value.toJSON !== undefined || value instanceof Number || value instanceof String ||
      value instanceof Boolean) return false;
  if (Array.isArray(value)) {
    if (Object.keys(value).length !== value.length) return false;
    for (i = 0; i < value.length; i++) if (!jsonReady(value[i], depth + 1, true)) return false;
    return true;
  }
  var keys = Object.keys(value);
  for (i = 0; i < keys.length; i++) if (!jsonReady(value[keys[i]], depth + 1, false)) return false;
  return true;
}

/** The JSON text of a message (its `fields` only, unless null); null if it cannot be copied. A
 * whole message that JSON.stringify writes as plain() would (jsonReady: the SDK's messages are)
 * is written without the copy: a site transform needs the whole message, the largest part of a
 * page's cost per event. */
export function serialise(message, fields) {
  if (!fields) {
    try {
      if (jsonReady(message, 0, false)) return JSON.stringify(message);
    } catch (e) {} // (a getter that throws: plain() leaves its key out)
  }
  try {
    return JSON.stringify(fields ? pick(message, fields, []) : plain(message, []));
  } catch (e) {
    console.error(PREFIX + 'could not serialise a message; it was dropped', e);
    return null;
  }
}
