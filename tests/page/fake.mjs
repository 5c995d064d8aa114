// Fakes for the page side's Node tests: a browser's globals, and a RudderStack SDK that makes,
// buffers, replays, filters and hands over messages the way the real ones do (docs/contract.md
// §4.6, §7, §8; /work/shared/notes/rudderstack-sdk.md "Ordering a page's reset()").

import { createState } from '../../static/page/state.js';
import { running } from '../../static/page/transport.js';
import { listenForSdkReady, makeCustomIntegration, makeHeap } from '../../static/page/ways.js';
import { watchGlobal } from '../../static/page/watch.js';

/** Fresh window/document globals; console lines recorded in `lines` ([level, text]). */
export function fakeBrowser() {
  const win = new EventTarget();
  const doc = new EventTarget();
  const appended = [];
  doc.createElement = (tag) => ({
    tag, attributes: {}, removed: false,
    setAttribute(k, v) { this.attributes[k] = v; },
    remove() { this.removed = true; }
  });
  doc.head = { appendChild: (el) => appended.push(el), append: (...els) => appended.push(...els) };
  globalThis.window = win;
  globalThis.document = doc;
  const lines = [];
  for (const level of ['log', 'debug', 'info', 'warn', 'error']) {
    console[level] = (...args) => lines.push([level, args.map(String).join(' ')]);
  }
  return { win, doc, lines, appended };
}

/** The page side as main.js sets it up, minus the runtime: items wait until python.run(). */
export function fakePage({ fields = null, tagDestinationId = null, watchFirst = true } = {}) {
  const browser = fakeBrowser();
  const tag = tagDestinationId && { getAttribute: (n) => (n === 'data-destination-id' ? tagDestinationId : null) };
  const state = createState({ boot: 'worker', fields, dev: false }, tag, 'https://cdn.test/heap/');
  state.customIntegration = makeCustomIntegration(state);
  const Heap = makeHeap(state);
  const handed = [];
  const python = { run: () => running(state, (text) => handed.push(JSON.parse(text))) };
  listenForSdkReady(state);
  if (watchFirst) watchGlobal(state);
  return { ...browser, state, Heap, handed, python, watch: () => watchGlobal(state) };
}

/** What Python received, one short label per item: settings, reset, consent, or type:name. */
export function labels(handed) {
  return handed.map((item) => {
    if (!item.type) return 'settings';
    if (item.type === 'track') return 'track:' + item.event;
    if (item.type === 'identify') return 'identify:' + item.userId;
    if (item.type === 'page') return 'page:' + item.name;
    return item.type;
  });
}

/** The official loading snippet: an array whose stub methods push [method, ...args]. */
export function loadingSnippet() {
  const ra = [];
  for (const name of ['load', 'page', 'track', 'identify', 'group', 'alias', 'reset', 'consent',
    'ready', 'addCustomIntegration']) {
    ra[name] = function (...args) { ra.push([name, ...args]); };
  }
  window.rudderanalytics = ra;
  return ra;
}

const MADE = {
  track: (a) => ({ event: a[0], properties: a[1] }),
  identify: (a) => ({ userId: a[0], traits: a[1] }),
  page: (a) => ({ name: typeof a[1] === 'string' ? a[1] : a[0] }),
  group: (a) => ({ groupId: a[0] }),
  alias: (a) => ({ userId: a[0] })
};

/** A RudderStack SDK. form 'v3': callbacks get the message, RSA_Ready on document; 'v1': the
 * callback and the integration get {message}, ready() callbacks. ways: the destinations it loads,
 * 'Heap.io' and/or 'Custom Device Mode'. filtered(message): event filtering (callback fired, no
 * message handed to the destinations). */
export class FakeSdk {
  constructor(page, { form = 'v3', ways = ['Heap.io'], filtered = () => false, destinationId = 'dest-1',
    destinationFlags = {} } = {}) {
    Object.assign(this, { page, form, ways, filtered, destinationId, destinationFlags });
    this.count = 0;
    this.pending = []; // messages made, not yet handed to the destinations
    this.integrations = [];
    this.readyCallbacks = [];
    this.loaded = false;
    this.custom = null;
    const sdk = this;
    // The instance the page talks to once the SDK runs: methods as own properties.
    this.instance = {};
    for (const name of ['load', 'page', 'track', 'identify', 'group', 'alias', 'reset', 'consent']) {
      this.instance[name] = function (...args) {
        if (!sdk.loaded) return void sdk.buffer.push([name, ...args]); // its own pre-load buffer
        return sdk.call(name, args, true);
      };
    }
    this.instance.ready = (fn) => this.readyCallbacks.push(fn);
    this.instance.addCustomIntegration = (id, integration) => { this.custom = integration; };
    this.buffer = [];
  }

  /** The SDK's script runs: it takes the snippet's buffer and replaces window.rudderanalytics. */
  takeOver() {
    if (Array.isArray(window.rudderanalytics)) this.buffer = window.rudderanalytics.slice();
    window.rudderanalytics = this.instance;
  }

  /** The source config arrives: destinations start, then the buffered calls are replayed. */
  load(config = { appId: 'app-1' }) {
    for (const call of this.buffer.filter((c) => c[0] === 'addCustomIntegration')) this.custom = call[2];
    for (const way of this.ways) {
      if (way === 'Heap.io') {
        const info = { destinationId: this.destinationId, ...this.destinationFlags };
        this.integrations.push(new this.page.Heap(config, this.analytics(), info));
      } else {
        this.custom.init(config, this.analytics(), {});
        this.integrations.push(this.custom);
      }
    }
    this.loaded = true;
    for (const call of this.buffer) {
      if (call[0] !== 'addCustomIntegration' && call[0] !== 'ready') this.call(call[0], call.slice(1), false);
    }
    this.buffer = [];
  }

  analytics() {
    return this.form === 'v1' ? { ready: (fn) => this.readyCallbacks.push(fn) } : {};
  }

  /** The SDK has replayed what it buffered: v3 says RSA_Ready, v1.1 runs its ready() callbacks. */
  ready() {
    this.flowing = true;
    if (this.form === 'v3') document.dispatchEvent(new Event('RSA_Ready'));
    this.readyCallbacks.splice(0).forEach((fn) => fn());
  }

  call(name, args, live) {
    if (!MADE[name]) return undefined;
    const callback = args.find((a) => typeof a === 'function');
    const message = { type: name, messageId: 'msg-' + ++this.count, ...MADE[name](args) };
    this.make(message, callback, live);
    return 'made ' + message.messageId;
  }

  make(message, callback, live) {
    // The device-mode queue hands messages over in the order they were made; once the SDK is
    // ready, a live call's message is handed over at once, before its callback runs.
    if (!this.filtered(message)) this.pending.push(message);
    if (live && this.flowing) this.flush();
    if (callback) callback(this.form === 'v3' ? message : { message });
  }

  /** A message the SDK makes by itself (ajs_* query calls, consent tracking): no callback. */
  own(message) { this.pending.push({ messageId: 'own-' + ++this.count, ...message }); }

  /** The device-mode queue hands what it holds to every destination, in the order made. */
  flush() { this.pending.splice(0).forEach((m) => this.handOver(m)); }

  handOver(message) {
    for (const integration of this.integrations) {
      if (integration instanceof this.page.Heap) integration[message.type]({ message });
      else integration[message.type]({}, {}, { message });
    }
  }
}

/** One task later (the page side settles a ready SDK's calls in a setTimeout). */
export const tick = () => new Promise((resolve) => setTimeout(resolve, 0));
