/* start.js: when Python's start begins. On a first visit it waits on the network: Python starts
 * at once, its files coming while the SDK's do. On a repeat visit everything comes from the HTTP
 * cache and starting Python is CPU work (a thread, the interpreter) that would compete with the
 * page's own start, the SDK's script among it, which asks for its source config only once it has
 * run: Python then starts when the main thread first rests, at most IDLE_MS later, and is ready
 * before that config comes back (docs/benchmarks.md, "First events on a real network"). */

/** The longest a repeat visit waits for the main thread to rest, in ms. */
export var IDLE_MS = 250;

/** Whether the file at `url` came from the HTTP cache, as far as the page can tell (false when
 * it cannot: no timing entry, or another origin's file without Timing-Allow-Origin). */
export function fromCache(perf, url) {
  var entries = url && perf && typeof perf.getEntriesByName === 'function' ? perf.getEntriesByName(url) : [];
  var entry = entries[entries.length - 1];
  // transferSize is 0 both for a cached file and for one whose timing is hidden (then
  // responseStart is 0 too); a file revalidated with the server has a transferSize.
  return !!entry && entry.transferSize === 0 && entry.responseStart > 0 && entry.decodedBodySize > 0;
}

/** Call `start` now, or, on a repeat visit (our own script `entryUrl` from the cache), once the
 * main thread first rests. `win`: the page's window (requestIdleCallback, performance). */
export function startWhenDue(win, entryUrl, start) {
  if (typeof win.requestIdleCallback !== 'function' || !fromCache(win.performance, entryUrl)) {
    return start();
  }
  win.requestIdleCallback(function () { start(); }, { timeout: IDLE_MS });
}
