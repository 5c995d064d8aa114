/* Demo page, the recorder: loaded right after the heap-device tag and before anything else can
 * happen, it keeps every event the demo shows, in order, for the demo's modules (which run later):
 *   ready       heap-device:ready ({runtime, version, t}), every build
 *   message     heap-device:message ({messageId, type, message}), dev builds: the page handed it over
 *   calls       heap-device:calls ({type, messageId, calls, notes, errors, t, transform?}), dev builds
 *   heapLoaded  Heap arrived: the stand-in's heap-standin:loaded, or (real Heap) its script's load
 *   failedFile  a file that did not load ({url, heap}: heap = it was Heap's script)
 *   problem     {level, text}: errors on the page, CSP refusals, heap-device's console warnings
 *               that belong to no message (a message's own come back in its heap-device:calls)
 * window.heapDemoWatch.subscribe(fn) calls fn(kind, detail) for each past event, then each new one.
 * It holds no rules and reads nothing but events: no timers, no polling. */
(function () {
  'use strict';
  var PREFIX = 'heap-device: '; // heap-device's own console lines start with it
  var past = [];
  var listeners = [];

  function emit(kind, detail) {
    past.push([kind, detail]);
    listeners.forEach(function (fn) {
      try { fn(kind, detail); } catch (e) { /* one view's bug must not hide the next event */ }
    });
  }
  window.heapDemoWatch = {
    subscribe: function (fn) {
      past.forEach(function (event) { fn(event[0], event[1]); });
      listeners.push(fn);
    }
  };

  function on(name, kind) {
    window.addEventListener(name, function (e) { emit(kind, e.detail || {}); });
  }
  on('heap-device:ready', 'ready');
  on('heap-device:message', 'message');
  on('heap-standin:loaded', 'heapLoaded');

  // heap-device applies one message's batch in one go: its console lines, its Heap calls, then
  // its heap-device:calls. Its warnings wait until that synchronous run is over; a
  // heap-device:calls in the same run claims them (they are that message's notes). The rest
  // (the settings' warnings, "Heap's script was blocked") are page-wide problems.
  var waiting = [];
  window.addEventListener('heap-device:calls', function (e) {
    waiting.length = 0;
    emit('calls', e.detail || {});
  });
  function hold(level, text) {
    if (!waiting.length) {
      queueMicrotask(function () {
        waiting.splice(0).forEach(function (line) { emit('problem', line); });
      });
    }
    waiting.push({ level: level, text: text });
  }

  ['warn', 'error'].forEach(function (level) {
    var original = console[level];
    console[level] = function () {
      original.apply(console, arguments);
      var text = Array.prototype.map.call(arguments, function (a) {
        return a instanceof Error ? a.message : String(a);
      }).join(' ');
      if (text.indexOf(PREFIX) === 0) hold(level, text);
      else if (level === 'error') emit('problem', { level: 'error', text: text });
    };
  });

  // Heap's script is the one script the page did not list itself: heap-device inserts it.
  function isHeapScript(node) {
    if (node.tagName !== 'SCRIPT' || !node.src) return false;
    return !['/heap/', '/demo/', '/vendor/'].some(function (path) {
      return node.src.indexOf(location.origin + path) === 0;
    });
  }
  // Capture on document: an element's load event neither bubbles nor reaches window.
  document.addEventListener('load', function (e) {
    var heap = window.heap;
    if (e.target.tagName && isHeapScript(e.target) && heap && heap.loaded === true && !heap.standin) {
      emit('heapLoaded', { t: performance.now() }); // Heap's own heap.js announces nothing
    }
  }, true);
  window.addEventListener('error', function (e) {
    var target = e.target;
    if (target && target !== window && (target.src || target.href)) { // a file did not load
      emit('failedFile', { url: target.src || target.href, heap: isHeapScript(target) });
    } else {
      emit('problem', { level: 'error', text: e.message || 'A script error happened' });
    }
  }, true);
  document.addEventListener('securitypolicyviolation', function (e) {
    emit('problem', { level: 'error', text: "The page's Content-Security-Policy blocked " +
      (e.blockedURI === 'eval' ? 'eval (PyScript needs \'unsafe-eval\'; heap-device\'s ' +
        'default worker build does not)' : e.blockedURI || 'something') +
      ' (' + e.effectiveDirective + ').' });
  });
  window.addEventListener('unhandledrejection', function (e) {
    emit('problem', { level: 'error', text: 'Unhandled promise rejection: ' + String(e.reason) });
  });
})();
