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

/** The JSON text of a message (its `fields` only, unless null); null if it cannot be copied. */
export function serialise(message, fields) {
  try {
    return JSON.stringify(fields ? pick(message, fields, []) : plain(message, []));
  } catch (e) {
    console.error(PREFIX + 'could not serialise a message; it was dropped', e);
    return null;
  }
}
