/* The presets: calls that show what heap-device does with real-world input. {"$date": …} in a
 * payload becomes a JavaScript Date, as the form's JSON editor does. */

const LONG = 'Lorem ipsum dolor sit amet, consectetur adipiscing elit. ';

export const PRESETS = [
  { id: 'order', label: 'Order Completed', type: 'track', event: 'Order Completed', payload: {
    order_id: 'o-1001', total: 99.5, currency: 'EUR', coupon: null,
    shipping: { method: 'express', address: { city: 'Paris', zip: '75001' } },
    tags: ['gift', 'express', 2], products: [{ sku: 'p-1', qty: 2 }, { sku: 'p-2', qty: 1 }],
    placed_at: { $date: '2026-11-28T10:30:00.000Z' }, notes: {} } },
  { id: 'signup', label: 'Sign-up (identify)', type: 'identify', userId: 'user-42', payload: {
    email: 'ada@example.com', name: 'Ada Lovelace', plan: 'pro', beta: true, age: 36,
    address: { city: 'London' }, interests: ['math', 'engines'],
    signed_up: { $date: '2026-11-01T09:00:00.000Z' } } },
  { id: 'placeholder', label: 'Identity "undefined"', type: 'identify', userId: 'undefined',
    payload: { plan: 'free' } },
  { id: 'long', label: 'Long strings', type: 'track', event: 'Long ' + Array(30).join('event name '),
    payload: { description: Array(40).join(LONG), short: 'fits' } },
  { id: 'group', label: 'Account (group)', type: 'group', groupId: 'acme-1', payload: {
    name: 'Acme Inc.', plan: { tier: 'gold', seats: 25 }, industry: 'Rockets', verified: true } },
  { id: 'page', label: 'Page view', type: 'page', category: 'Docs', pageName: 'Pricing',
    payload: { plan: 'pro' } },
  { id: 'alias', label: 'Alias', type: 'alias', to: 'user-42-new', from: 'user-42' },
  { id: 'reset', label: 'Reset (log out)', type: 'reset' },
  { id: 'bad', label: 'Bad input', type: 'track', event: '   ',
    payload: 'properties that are not an object' },
  { id: 'html', label: 'HTML in names', type: 'track', event: '<img src=x onerror=alert(1)>',
    payload: { '<b>key</b>': '<script>alert(2)</script>', note: '"quotes" & <angles>' } },
  { id: 'broken', label: 'Broken JSON', type: 'track', event: 'Typo', raw: '{\n  "total": 12,\n}' }
];

/** JSON.parse's reviver for the editor: {"$date": "…"} alone becomes a Date. */
export function reviveDates(key, value) {
  if (value && typeof value === 'object' && !Array.isArray(value) &&
      Object.keys(value).length === 1 && typeof value.$date === 'string') {
    return new Date(value.$date);
  }
  return value;
}

/** The SDK call a form's fields make: {type, name, args} ([method, args] without the SDK's
 * options and callback), or {type, error} when the payload is not JSON. */
export function callOf(type, fields) {
  const v = function (name) { return fields[name] || ''; };
  if (type === 'reset') return { type: type, args: [] };
  if (type === 'alias') {
    return { type: type, name: v('to'), args: v('from') ? [v('to'), v('from')] : [v('to')] };
  }
  let payload;
  const text = v('payload').trim();
  try {
    payload = text ? JSON.parse(text, reviveDates) : undefined;
  } catch (e) {
    return { type: type, error: e.message };
  }
  const made = {
    identify: [v('userId'), [v('userId'), payload]],
    track: [v('event'), [v('event'), payload]],
    page: [v('pageName'), [v('category'), v('pageName'), payload]],
    group: [v('groupId'), [v('groupId'), payload]]
  }[type];
  return { type: type, name: made[0], args: made[1] };
}
