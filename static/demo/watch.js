/* Demo page, part 1 of 2: watches heap-device from the outside and reports what it did.
 * Loaded right after the heap-device snippet and before the Python runtime can start, so it sees
 * every message. It holds no mapping rules: it only collects, per message, what the bridge reports.
 *
 * Where reports come from:
 *  - the bridge's "heap-device:calls" event on window ({type, messageId, calls, notes, errors, t}),
 *    and "heap-device:ready" once Python runs;
 *  - the adapter's hand-over (Heap_RS.push, seen through a property setter) marks the span of
 *    one message: the message as heap-device received it, and its console lines (kept out of
 *    the page-wide problems list, since the event already carries them as notes).
 * Reports, problems and start-up marks are kept in window.heapDemoWatch for demo.js to show. */
(function () {
  'use strict';
  var PREFIX = 'heap-device: ';
  var watch = (window.heapDemoWatch = {
    reports: [], // {type, messageId, message, calls, notes, errors, t}
    problems: [], // {level, text, t}
    marks: {}, // runtimeReady, runtime
    listeners: [],
    emit: function (kind, item) {
      watch.listeners.forEach(function (fn) {
        try { fn(kind, item); } catch (e) { /* the page's own bug must not hide the next report */ }
      });
    },
    subscribe: function (fn) { watch.listeners.push(fn); }
  });

  function problem(level, text) {
    var item = { level: level, text: text, t: performance.now() };
    watch.problems.push(item);
    watch.emit('problem', item);
  }

  function report(item) {
    watch.reports.push(item);
    watch.emit('report', item);
  }

  function runtimeReady(detail) {
    if (watch.marks.runtimeReady !== undefined) return;
    watch.marks.runtimeReady = (detail && detail.t) || performance.now();
    if (detail && detail.runtime) watch.marks.runtime = detail.runtime;
    watch.emit('mark', 'runtimeReady');
  }

  // ---- one message at a time: the span of a hand-over ----
  var current = null;

  function parse(text) {
    try { return JSON.parse(text); } catch (e) { return null; }
  }

  function bare(text) {
    text = String(text);
    return text.indexOf(PREFIX) === 0 ? text.slice(PREFIX.length) : text;
  }

  // A report from the bridge's event, in the shape demo.js reads.
  function fromEvent(detail, message) {
    return {
      type: detail.type || (message && message.type) || 'unknown',
      messageId: detail.messageId || (message && message.messageId) || null,
      message: message,
      calls: Array.isArray(detail.calls) ? detail.calls : [],
      notes: (detail.notes || []).map(function (n) { return [String(n[0]), bare(n[1])]; }),
      errors: (detail.errors || []).map(bare),
      t: detail.t || performance.now()
    };
  }

  function finish(span) {
    var message = span.message;
    if (message && message.config !== undefined && message.type === undefined) {
      // The first hand-over is the settings, not a message: its notes are start-up news.
      span.lines.forEach(function (line) {
        problem(line.level === 'error' ? 'error' : 'warn', line.text);
      });
      return;
    }
    // The bridge reports every message in debug mode (the demo's snippet turns debug on).
    report(fromEvent(span.event || { errors: ['heap-device sent no report for this message: ' +
      'is the debug setting on?'] }, message));
  }

  function hookAdapter() {
    var rs = window.Heap_RS;
    if (!rs || typeof rs.push === 'function') {
      problem('error', 'The demo could not watch heap-device: its script tag must come before ' +
        'watch.js, and Python must not have started yet.');
      return;
    }
    var real;
    function wrapped(text) {
      var span = { message: parse(text), lines: [], event: null };
      var outer = current;
      current = span;
      try {
        return real.apply(this, arguments);
      } finally {
        current = outer;
        finish(span);
      }
    }
    Object.defineProperty(rs, 'push', {
      configurable: true,
      enumerable: true,
      get: function () { return real ? wrapped : undefined; },
      set: function (fn) {
        real = fn;
        runtimeReady(null);
      }
    });
  }

  // ---- console: the bridge's log lines, and errors from anyone ----
  ['log', 'info', 'debug', 'warn', 'error'].forEach(function (level) {
    var original = console[level];
    console[level] = function () {
      original.apply(console, arguments);
      var first = arguments[0];
      var ours = typeof first === 'string' && first.indexOf(PREFIX) === 0;
      var text = Array.prototype.map.call(arguments, function (a) {
        return a instanceof Error ? a.message : String(a);
      }).join(' ');
      if (ours) text = text.slice(PREFIX.length);
      if (current && ours) {
        current.lines.push({ level: level, text: text });
      } else if (ours && (level === 'warn' || level === 'error')) {
        later(level, text);
      } else if (!ours && level === 'error') {
        problem('error', text);
      }
    };
  });

  watch.failedFiles = [];
  window.addEventListener('error', function (e) {
    var target = e.target;
    if (target && target !== window && (target.src || target.href)) { // a file did not load
      watch.failedFiles.push({ url: target.src || target.href, node: target });
      watch.emit('failedFile', watch.failedFiles[watch.failedFiles.length - 1]);
    } else {
      problem('error', e.message || 'A script error happened');
    }
  }, true);
  document.addEventListener('securitypolicyviolation', function (e) {
    problem('error', "The page's Content-Security-Policy blocked " +
      (e.blockedURI === 'eval' ? 'eval (PyScript needs \'unsafe-eval\'; heap-device\'s ' +
        'default worker build does not)' : e.blockedURI || 'something') +
      ' (' + e.effectiveDirective + ').');
  });
  window.addEventListener('unhandledrejection', function (e) {
    problem('error', 'Unhandled promise rejection: ' + String(e.reason));
  });

  // With Python in a worker (the default build) a message's console lines and its report come
  // later, together, in one task: lines wait until the end of that task, and a report in it
  // claims them (its notes carry them); unclaimed ones (e.g. the settings') are problems.
  var waiting = [];
  function later(level, text) {
    if (!waiting.length) setTimeout(function () {
      waiting.splice(0).forEach(function (line) { problem(line.level, line.text); });
    });
    waiting.push({ level: level, text: text });
  }

  // ---- the bridge's own events (preferred whenever it sends them) ----
  window.addEventListener('heap-device:ready', function (e) { runtimeReady(e.detail || {}); });
  window.addEventListener('heap-device:calls', function (e) {
    var detail = e.detail || {};
    waiting.length = 0;
    if (current) current.event = detail;
    else report(fromEvent(detail, null));
  });

  hookAdapter();
})();
