/* state.js: everything the page side remembers, in one object that every module is handed. */

// The start of the page side's own console lines (Python's lines carry it already).
export var PREFIX = 'heap-device: ';

/** A fresh state: `build` is BUILD, `tag` our <script> element (or null), `base` its folder URL. */
export function createState(build, tag, base) {
  return {
    build: build,
    base: base,
    optionsText: tag ? tag.getAttribute('data-options') : null,
    tagDestinationId: tag ? tag.getAttribute('data-destination-id') : null,

    // transport.js: items (JSON text) wait in `queue` until Python runs, then go to `receiver`.
    queue: [],
    receiver: null,
    failed: false,
    capWarned: false,

    // order.js: the page's calls in page order ({settled, id} per message call, {control} per
    // reset/consent), the message calls by messageId, and what the SDK is doing now.
    log: [],
    byId: {},
    depth: 0, // > 0 inside one of our wrappers: a nested call is the same page call
    calling: null, // the message call being made now, until its message is known
    sdkReady: false, // the SDK has replayed all it buffered: nothing earlier will come
    // RudderStack's Device Mode Transformations are on for our destination: a message made is on
    // its way to the data plane, and what comes back (if anything) is handed over later.
    sdkTransforms: false,
    held: [], // resets/consents due before a way in handed the settings over, in order
    providers: [], // every consent provider seen, in the order seen
    watched: [], // what window.rudderanalytics held, its methods wrapped (watch.js)

    // ways.js: which way in started us ("Heap.io" or "Custom Device Mode"), null until then.
    owner: null,
    bothWarned: false,
    lastId: null, // the messageId last taken from the SDK (both ways in deliver each message)
    lastWay: null, // and the way in it came through
    customIntegration: null,

    // Set by dev.js in dev builds only; null in a site's build.
    onHandOver: null, // (text) each item as it is handed over
    onRunning: null // () once Python takes items
  };
}
