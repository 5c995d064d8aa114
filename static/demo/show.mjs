/* Values as people read them, and a tiny DOM builder. Everything from data is written with
 * textContent, never parsed as HTML. */

const DATE_MARK = '\u0000date:';

/** JSON as people read it; Dates shown as new Date("…"), undefined kept visible. */
export function show(value) {
  if (value === undefined) return 'undefined';
  const text = JSON.stringify(value, function (key, v) {
    return this[key] instanceof Date ? DATE_MARK + v : v;
  }, 2);
  if (text === undefined) return String(value);
  return text.replace(/"\\u0000date:([^"]*)"/g, function (_, iso) {
    return 'new Date("' + iso + '")';
  });
}

/** target.method(args…), without the trailing undefined arguments. */
export function callText(target, method, args) {
  const shown = args.slice();
  while (shown.length && shown[shown.length - 1] === undefined) shown.pop();
  return target + '.' + method + '(' + shown.map(show).join(', ') + ')';
}

export function seconds(t) { return (t / 1000).toFixed(2) + ' s'; }
export function later(ms) {
  if (!isFinite(ms)) return '';
  return ms < 1 ? 'at once' : '+' + Math.round(ms) + ' ms';
}
export function plural(n, word) { return n + ' ' + word + (n === 1 ? '' : 's'); }

/** el('p', {className: 'x', text: 'y'}, [children]): an element; null children are skipped. */
export function el(tag, attrs, children) {
  const node = document.createElement(tag);
  Object.keys(attrs || {}).forEach(function (key) {
    if (key === 'text') node.textContent = attrs[key];
    else if (key === 'className') node.className = attrs[key];
    else node.setAttribute(key, attrs[key]);
  });
  (children || []).forEach(function (child) { if (child) node.appendChild(child); });
  return node;
}

export const $ = function (id) { return document.getElementById(id); };
