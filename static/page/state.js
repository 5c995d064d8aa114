/* state.js: everything the page side remembers, in one object that every module is handed. */

// The start of the page side's own console lines (Python's lines carry it already).
export var PREFIX = 'heap-device: ';

/** The URL of a file of the build, named as the sources name it ('micropython/micropython.mjs'):
 * the build names what it loads by content, each folder (and the runtime script) in BUILD.paths. */
export function fileUrl(state, name) {
  var cut = name.indexOf('/') + 1, top = cut ? name.slice(0, cut) : name;
  return state.base + ((state.build.paths || {})[top] || top) + name.slice(top.length);
}

/** The sha384 (SRI form) the build wrote for one of the files it loads, named as the sources
 * name it (trust.js), or undefined. */
export function integrityOf(state, name) {
  return (state.build.integrity || {})[fileUrl(state, name).slice(state.base.length)];
}

/** A fresh state: `build` is BUILD, `tag` our <script> element (or null), `base` its folder URL. */
export function createState(build, tag, base) {
  return {
    build: build,
    base: base,
    // our own tag's URL (transport.js: what our files did is ours)
    entryUrl: tag && typeof tag.src === 'string' ? tag.src : null,
    optionsText: tag ? tag.getAttribute('data-options') : null,
    tagDestinationId: tag ? tag.getAttribute('data-destination-id') : null,

    // transport.js: items (JSON text) wait in `queue` until Python runs, then go to `receiver`.
    // A worker starting Python is sent each item `ahead` (an entry's `posted`: its number) and
    // holds it; the queue keeps it too until Python runs (the cap; a worker that fails).
    queue: [],
    receiver: null,
    ahead: null, sentAhead: 0,
    failed: false,
    capWarned: false,

    // order.js: the page's calls in page order ({settled, id} per message call, {control} per
    // reset/consent; with Device Mode Transformations a call also keeps what came back for it,
    // `parts`, until the calls before it are settled), the message calls by messageId, and what
    // the SDK is doing now.
    log: [],
    byId: {},
    // > 0 inside one of our wrappers: a nested call is the same page call
    depth: 0,
    // the message call being made now, until its message is known
    calling: null,
    // the SDK has replayed all it buffered: nothing earlier will come
    sdkReady: false,
    // RudderStack's Device Mode Transformations are on for our destination: a message made is on
    // its way to the data plane, and what comes back (if anything) is handed over later.
    sdkTransforms: false,
    // the call whose answer from the data plane is being handed over now (order.js cameBack)
    comingBack: null,
    // dataplane.js watches the SDK's /transform requests (once)
    transformsWatched: false,
    // resets/consents due before a way in handed the settings over, in order
    held: [],
    // every consent provider seen, in the order seen
    providers: [],
    // what window.rudderanalytics held, its methods wrapped (watch.js)
    watched: [],

    // ways.js: which way in started us ("Heap.io" or "Custom Device Mode"), null until then.
    owner: null,
    bothWarned: false,
    // the messageId last taken from the SDK (both ways in deliver each message)
    lastId: null,
    // and the way in it came through
    lastWay: null,
    customIntegration: null,

    // Set by dev.js in dev builds only; null in a site's build.
    // (text) each item as it is handed over
    onHandOver: null,
    // () once Python takes items
    onRunning: null
  };
}
