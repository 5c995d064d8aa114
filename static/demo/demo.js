/* Demo page, part 2 of 2: loads RudderStack with a local source config (Heap.io in device mode),
 * fires the calls the form describes, and shows what happened: the start-up timeline, each call
 * beside the Heap calls heap-device made from it (reported by watch.js), and the data plane.
 * No mapping rules here: the Heap side is only ever what heap-device reported.
 * Everything from data is written with textContent, never parsed as HTML. */
(function () {
  'use strict';
  var cfg = JSON.parse(document.getElementById('demo-config').textContent);
  var watch = window.heapDemoWatch;
  var $ = function (id) { return document.getElementById(id); };

  // ---------------------------------------------------------------- small DOM helpers
  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (key) {
      if (key === 'text') node.textContent = attrs[key];
      else if (key === 'className') node.className = attrs[key];
      else node.setAttribute(key, attrs[key]);
    });
    (children || []).forEach(function (child) { if (child) node.appendChild(child); });
    return node;
  }
  function seconds(t) { return (t / 1000).toFixed(2) + ' s'; }
  function later(ms) { return ms < 1 ? 'at once' : '+' + Math.round(ms) + ' ms'; }

  // JSON as people read it; Dates shown as new Date("…"), undefined kept visible.
  var DATE_MARK = '\u0000date:';
  function show(value) {
    if (value === undefined) return 'undefined';
    var text = JSON.stringify(value, function (key, v) {
      return this[key] instanceof Date ? DATE_MARK + v : v;
    }, 2);
    if (text === undefined) return String(value);
    return text.replace(/"\\u0000date:([^"]*)"/g, function (_, iso) {
      return 'new Date("' + iso + '")';
    });
  }
  function callText(target, method, args) {
    var shown = args.slice();
    while (shown.length && shown[shown.length - 1] === undefined) shown.pop();
    return target + '.' + method + '(' + shown.map(show).join(', ') + ')';
  }

  // ---------------------------------------------------------------- page state
  var marks = {}; // start-up timeline: name -> ms since navigation
  var heapBlocked = false; // Heap's script failed to load
  var dataplaneSeen = 0; // last data plane event number fetched
  var dataplaneCount = 0;
  var dataplaneIds = {}; // messageIds the data plane received

  // ---------------------------------------------------------------- start-up timeline
  function mark(name, t) {
    if (marks[name] !== undefined) return;
    marks[name] = t;
    var item = document.querySelector('#timeline [data-mark="' + name + '"]');
    if (!item) return;
    item.classList.remove('failed'); // late is still done
    item.classList.add('done');
    item.querySelector('.value').textContent = seconds(t);
  }
  function markFailed(name, text) {
    if (marks[name] !== undefined) return;
    var item = document.querySelector('#timeline [data-mark="' + name + '"]');
    item.classList.add('failed');
    item.querySelector('.value').textContent = text;
  }

  function pageLoaded() {
    var nav = performance.getEntriesByType && performance.getEntriesByType('navigation')[0];
    mark('pageLoad', nav && nav.loadEventStart > 0 ? nav.loadEventStart : performance.now());
  }
  if (document.readyState === 'complete') pageLoaded();
  else window.addEventListener('load', pageLoaded);

  function watchHeapLoad() {
    var started = performance.now();
    var timer = setInterval(function () {
      var heap = window.heap;
      if (heap && heap.loaded === true) {
        clearInterval(timer);
        // The stand-in marks when it arrived; Heap's own heap.js does not.
        mark('heapLoaded', window.__heapLoadedAt !== undefined ? window.__heapLoadedAt : performance.now());
      } else if (performance.now() - started > 30000) {
        clearInterval(timer);
        if (heapBlocked) return;
        markFailed('heapLoaded', 'not loaded');
        addProblem('error', cfg.offline
          ? "Heap's stand-in script did not load after 30 s; is the demo server still running?"
          : "Heap's script did not load after 30 s: are you offline, or is an ad blocker on? " +
            'heap-device queues calls until it arrives.');
      }
    }, 50);
  }
  watchHeapLoad();

  setTimeout(function () {
    if (marks.runtimeReady === undefined) {
      markFailed('runtimeReady', 'not started');
      addProblem('error', cfg.runtime + ' has not started after 30 s. heap-device keeps queueing ' +
        'calls; see the browser console and network panel for the file that did not load.');
    }
  }, 30000);

  // ---------------------------------------------------------------- problems, in plain words
  var seenProblems = {};
  function addProblem(level, text) {
    if (seenProblems[text]) return;
    seenProblems[text] = true;
    $('problems').classList.add('has-problems');
    $('problems').querySelector('.problems-title').hidden = false;
    $('problem-list').appendChild(el('li', { className: 'problem', 'data-level': level }, [
      el('span', { className: 'level', text: level === 'error' ? 'Error' : 'Warning' }),
      el('span', { className: 'text', text: text })
    ]));
  }

  // ---------------------------------------------------------------- the inspector
  var entries = []; // {n, type, source, firedAt, messageId, report, dataplane, node}
  var byMessageId = {};
  var orphans = {}; // reports whose call has not been claimed yet (callback still to come)

  function newEntry(type, source, firedAt) {
    var entry = { n: entries.length + 1, type: type, source: source, firedAt: firedAt,
      messageId: null, accepted: type === 'reset', report: null, dataplane: false, node: null };
    entries.push(entry);
    render(entry);
    updateCount();
    return entry;
  }

  function updateCount() {
    var n = entries.length;
    $('entry-count').textContent = n === 0 ? 'No calls yet' : n === 1 ? '1 call' : n + ' calls';
    $('entries-empty').hidden = $('entries').children.length > 0;
  }

  function entryState(entry) {
    if (entry.report) {
      if (entry.report.errors.length) return ['error', 'Error'];
      return entry.report.calls.length ? ['ok', plural(entry.report.calls.length, 'Heap call')]
        : ['none', 'No Heap call'];
    }
    if (entry.refused) return ['error', 'Not passed on by RudderStack'];
    if (!entry.accepted) return ['wait', 'Waiting for RudderStack…'];
    if (marks.runtimeReady === undefined) return ['wait', 'Queued until ' + cfg.runtime + ' is ready…'];
    return ['wait', 'Waiting for heap-device…'];
  }
  function plural(n, word) { return n + ' ' + word + (n === 1 ? '' : 's'); }

  function render(entry) {
    var state = entryState(entry);
    var head = el('div', { className: 'entry-head' }, [
      el('span', { className: 'badge type-' + entry.type, text: entry.type }),
      el('span', { className: 'entry-no', text: '#' + entry.n }),
      el('span', { className: 'state state-' + state[0], text: state[1] }),
      entry.dataplane ? dataplaneBadge() : null,
      el('time', { className: 'when', text: seconds(entry.firedAt),
        title: 'Sent ' + seconds(entry.firedAt) + ' after the page started loading' })
    ]);
    var rsSide = el('div', { className: 'side rs' }, [
      el('h3', { text: entry.source.fromPage ? 'RudderStack message' : 'RudderStack call' }),
      el('pre', { className: 'code', text: entry.source.text })
    ]);
    var heapSide = el('div', { className: 'side heap' }, [el('h3', { text: 'Heap' })]);
    if (entry.report) {
      if (entry.report.calls.length) {
        heapSide.appendChild(el('ol', { className: 'heap-calls' }, entry.report.calls.map(function (c) {
          var method = c[0];
          var args = Array.isArray(c[1]) ? c[1] : [];
          return el('li', { className: 'heap-call', 'data-call': JSON.stringify([method, args]) }, [
            el('pre', { className: 'code', text: callText('heap', method, args) }),
            el('span', { className: 'after', text: later(entry.report.t - entry.firedAt) })
          ]);
        })));
      } else {
        heapSide.appendChild(el('p', { className: 'no-call',
          text: entry.report.errors.length ? 'No Heap call: heap-device hit an error.'
            : 'No Heap call. See the notes below for why.' }));
      }
      if (entry.report.calls.length && !entry.heapWasLoaded) {
        heapSide.appendChild(el('p', { className: 'hint', text: heapBlocked
          ? "Heap's script did not load, so these calls wait in Heap's queue on this page."
          : "Heap's script had not arrived yet: Heap's queue holds these calls until it does." }));
      }
    } else {
      heapSide.appendChild(el('p', { className: 'pending', text: state[1] }));
    }
    var body = el('div', { className: 'entry-body' }, [rsSide, heapSide]);
    var notes = null;
    if (entry.report && (entry.report.notes.length || entry.report.errors.length)) {
      var items = entry.report.errors.map(function (text) { return ['error', text]; })
        .concat(entry.report.notes);
      notes = el('ul', { className: 'notes', 'aria-label': 'What heap-device dropped, cut or refused' },
        items.map(function (note) {
          var level = String(note[0]);
          return el('li', { className: 'note', 'data-level': level }, [
            el('span', { className: 'level', text: level === 'warn' ? 'warning' : level }),
            el('span', { className: 'text', text: String(note[1]) })
          ]);
        }));
    }
    var message = null;
    if (entry.report && entry.report.message) {
      message = el('details', { className: 'message' }, [
        el('summary', { text: 'Message as heap-device received it' }),
        el('pre', { className: 'code', text: JSON.stringify(entry.report.message, null, 2) })
      ]);
    }
    var node = el('li', { className: 'entry', 'data-type': entry.type, 'data-state': state[0],
      'data-n': String(entry.n), 'data-reported': String(!!entry.report) },
    [head, body, notes, message]);
    var before = entry.node && entry.node.querySelector('details.message');
    if (before && before.open && message) message.open = true;
    if (entry.node && entry.node.parentNode) entry.node.parentNode.replaceChild(node, entry.node);
    else $('entries').insertBefore(node, $('entries').firstChild);
    entry.node = node;
  }

  function dataplaneBadge() {
    return el('span', { className: 'dp-ok', text: 'data plane ✓',
      title: 'The local data plane received this message' });
  }
  // Only the badge changes: a full re-render would close what the reader opened.
  function markDataplane(entry) {
    if (entry.dataplane) return;
    entry.dataplane = true;
    var head = entry.node && entry.node.querySelector('.entry-head');
    if (head) head.insertBefore(dataplaneBadge(), head.querySelector('.when'));
  }

  function attach(entry, report) {
    entry.report = report;
    entry.refused = false;
    entry.heapWasLoaded = !!(window.heap && window.heap.loaded === true);
    entry.accepted = true;
    render(entry);
  }

  function claim(entry, messageId) {
    entry.messageId = messageId;
    entry.accepted = true;
    entry.refused = false; // late, but RudderStack did take it
    byMessageId[messageId] = entry;
    entry.dataplane = !!dataplaneIds[messageId];
    if (orphans[messageId]) {
      clearTimeout(orphans[messageId].timer);
      var report = orphans[messageId].report;
      delete orphans[messageId];
      attach(entry, report);
    } else {
      render(entry);
    }
  }

  function onReport(report) {
    if (report.calls.length && marks.firstCall === undefined) mark('firstCall', report.t);
    var entry = report.messageId ? byMessageId[report.messageId] : null;
    if (!entry && !report.messageId) {
      entry = entries.filter(function (e) { return !e.report && e.type === report.type; })[0];
    }
    if (entry) return attach(entry, report);
    if (report.messageId) { // the SDK's callback may still be on its way
      orphans[report.messageId] = { report: report, timer: setTimeout(function () {
        delete orphans[report.messageId];
        var own = newEntry(report.type, fromPage(report), report.t);
        own.messageId = report.messageId;
        byMessageId[report.messageId] = own;
        own.dataplane = !!dataplaneIds[report.messageId];
        attach(own, report);
      }, 1500) };
      return;
    }
    attach(newEntry(report.type, fromPage(report), report.t), report);
  }

  function fromPage(report) {
    var m = report.message || {};
    var what = m.event !== undefined ? JSON.stringify(m.event) : m.userId ? JSON.stringify(m.userId) : '';
    return { fromPage: true, text: 'rudderanalytics.' + report.type + '(' + what + ')\n' +
      '(not fired from this form' + (report.messageId ? '; messageId ' + report.messageId : '') + ')' };
  }

  watch.reports.forEach(onReport);
  watch.problems.forEach(function (p) { addProblem(p.level, p.text); });
  if (watch.marks.runtimeReady !== undefined) mark('runtimeReady', watch.marks.runtimeReady);
  // Heap's script is the one script the page did not list itself: heap-device inserts it.
  function isHeapScript(node) {
    if (!node || node.tagName !== 'SCRIPT' || !node.src) return false;
    var ours = ['/heap/', '/demo/', '/vendor/'];
    return !ours.some(function (path) { return node.src.indexOf(location.origin + path) === 0; });
  }
  function onFailedFile(file) {
    if (isHeapScript(file.node)) {
      markFailed('heapLoaded', 'blocked');
      heapBlocked = true; // heap-device says so itself (a warning below); calls wait in Heap's stub
    } else {
      addProblem('error', 'Could not load ' + file.url + '.');
    }
  }
  watch.failedFiles.forEach(onFailedFile);

  watch.subscribe(function (kind, item) {
    if (kind === 'report') onReport(item);
    else if (kind === 'failedFile') onFailedFile(item);
    else if (kind === 'problem') addProblem(item.level, item.text);
    else if (kind === 'mark') {
      mark('runtimeReady', watch.marks.runtimeReady);
      entries.forEach(function (e) { if (!e.report) render(e); });
    }
  });

  // ---------------------------------------------------------------- the data plane

  function describe(event) {
    var bits = [event.type || '?'];
    if (event.event !== undefined && event.event !== null) bits.push(JSON.stringify(event.event));
    else if (event.type === 'identify' && event.userId) bits.push(JSON.stringify(event.userId));
    else if (event.type === 'group' && event.groupId) bits.push(JSON.stringify(event.groupId));
    else if (event.type === 'page' && event.name) bits.push(JSON.stringify(event.name));
    return bits.join(' ');
  }

  function showDataplane(posted) {
    var body = posted.body;
    var events = body && Array.isArray(body.batch) ? body.batch : [body];
    events.forEach(function (event) {
      if (!event || typeof event !== 'object') event = { type: '(unreadable)' };
      dataplaneCount += 1;
      if (event.messageId) {
        dataplaneIds[event.messageId] = true;
        var entry = byMessageId[event.messageId];
        if (entry) markDataplane(entry);
      }
      var when = seconds(posted.t - performance.timeOrigin);
      var item = el('li', { className: 'dp-event' }, [
        el('details', {}, [
          el('summary', {}, [
            el('code', { className: 'dp-path', text: 'POST ' + posted.path }),
            el('span', { className: 'dp-what', text: describe(event) }),
            el('time', { className: 'when', text: when })
          ]),
          el('pre', { className: 'code', text: JSON.stringify(event, null, 2) })
        ])
      ]);
      $('dataplane').insertBefore(item, $('dataplane').firstChild);
    });
    $('dataplane-count').textContent = plural(dataplaneCount, 'event');
  }

  var polling = false;
  function pollDataplane() {
    if (polling) return;
    polling = true;
    fetch('/__dataplane?since=' + dataplaneSeen, { cache: 'no-store' })
      .then(function (r) { return r.json(); })
      .then(function (got) {
        got.events.forEach(function (posted) {
          dataplaneSeen = Math.max(dataplaneSeen, posted.n);
          // The server outlives page loads: show what this page's visit sent.
          if (posted.t >= performance.timeOrigin - 1000) showDataplane(posted);
        });
      })
      .catch(function () { /* the server stopped: the page keeps what it has */ })
      .then(function () { polling = false; });
  }
  setInterval(pollDataplane, 1000);

  // ---------------------------------------------------------------- RudderStack, as a site loads it
  // Which way in (?way=custom): the "Heap.io" destination, or a "Custom Device Mode" one that the
  // page registers with addCustomIntegration before load(). (A real Custom Device Mode destination
  // has no appId field: the tag's data-options give it. Here the demo's source config carries it.)
  var way = /[?&]way=custom(&|$)/.test(location.search) ? 'custom' : 'heap';
  var destination = way === 'custom'
    ? { id: 'heap-demo-custom', name: 'heap-device', enabled: true, config: cfg.destination,
      destinationDefinition: { name: 'CUSTOM_DEVICE_MODE', displayName: 'Custom Device Mode' } }
    : { id: 'heap-demo', name: 'Heap.io', enabled: true, config: cfg.destination,
      destinationDefinition: { name: 'HEAP', displayName: 'Heap.io' } };
  Array.prototype.forEach.call(document.querySelectorAll('#way a'), function (link) {
    if (link.getAttribute('data-way') === way) link.setAttribute('aria-current', 'page');
  });
  var ra;
  try {
    ra = new window.rudderanalytics.RudderAnalytics();
    if (way === 'custom') ra.addCustomIntegration(destination.id, window.HeapDevice.customIntegration);
    ra.ready(function () { mark('sdkReady', performance.now()); });
    ra.load(cfg.writeKey, location.origin, {
      getSourceConfig: function () {
        return { source: { id: 'demo-source', name: 'heap-device demo', workspaceId: 'demo',
          enabled: true, config: {}, destinations: [destination] } };
      },
      // Never requested: heap-device's snippet has already mounted window.Heap_RS.Heap.
      destSDKBaseURL: location.origin + '/js-integrations',
      polyfillIfRequired: false,
      logLevel: 'WARN'
    });
  } catch (e) {
    addProblem('error', 'The RudderStack SDK could not start: ' + e.message);
  }

  // ---------------------------------------------------------------- the form
  var form = $('call-form');
  var payload = $('f-payload');
  var LONG = 'Lorem ipsum dolor sit amet, consectetur adipiscing elit. ';
  var PRESETS = [
    { id: 'order', label: 'Order Completed', type: 'track', event: 'Order Completed', payload: {
      order_id: 'o-1001', total: 99.5, currency: 'EUR', coupon: null,
      shipping: { method: 'express', address: { city: 'Paris', zip: '75001' } },
      tags: ['gift', 'express', 2], products: [{ sku: 'p-1', qty: 2 }, { sku: 'p-2', qty: 1 }],
      placed_at: { $date: '2026-11-28T10:30:00.000Z' }, notes: {} } },
    { id: 'signup', label: 'Sign-up (identify)', type: 'identify', userId: 'user-42', payload: {
      email: 'ada@example.com', name: 'Ada Lovelace', plan: 'pro', beta: true, age: 36,
      address: { city: 'London' }, interests: ['math', 'engines'],
      signed_up: { $date: '2026-11-01T09:00:00.000Z' } } },
    { id: 'placeholder', label: 'Identity "undefined"', type: 'identify', userId: 'undefined', payload: { plan: 'free' } },
    { id: 'long', label: 'Long strings', type: 'track', event: 'Long ' + Array(30).join('event name '),
      payload: { description: Array(40).join(LONG), short: 'fits' } },
    { id: 'group', label: 'Account (group)', type: 'group', groupId: 'acme-1', payload: {
      name: 'Acme Inc.', plan: { tier: 'gold', seats: 25 }, industry: 'Rockets', verified: true } },
    { id: 'page', label: 'Page view', type: 'page', category: 'Docs', pageName: 'Pricing', payload: { plan: 'pro' } },
    { id: 'alias', label: 'Alias', type: 'alias', to: 'user-42-new', from: 'user-42' },
    { id: 'reset', label: 'Reset (log out)', type: 'reset' },
    { id: 'bad', label: 'Bad input', type: 'track', event: '   ', payload: 'properties that are not an object' },
    { id: 'html', label: 'HTML in names', type: 'track', event: '<img src=x onerror=alert(1)>', payload: {
      '<b>key</b>': '<script>alert(2)</script>', note: '"quotes" & <angles>' } },
    { id: 'broken', label: 'Broken JSON', type: 'track', event: 'Typo', raw: '{\n  "total": 12,\n}' }
  ];

  PRESETS.forEach(function (preset, i) {
    var button = el('button', { type: 'button', className: 'preset', 'data-preset': preset.id,
      text: preset.label });
    button.addEventListener('click', function () { usePreset(i); });
    $('presets').appendChild(button);
  });

  function usePreset(i) {
    var preset = PRESETS[i];
    setType(preset.type);
    ['userId', 'event', 'category', 'pageName', 'groupId', 'to', 'from'].forEach(function (name) {
      $('f-' + name).value = preset[name] !== undefined ? preset[name] : '';
    });
    payload.value = preset.raw !== undefined ? preset.raw
      : preset.payload !== undefined ? JSON.stringify(preset.payload, null, 2) : '';
    clearPayloadError();
    Array.prototype.forEach.call(document.querySelectorAll('.preset'), function (b, j) {
      b.setAttribute('aria-pressed', String(i === j));
    });
    updatePreview();
  }

  function currentType() { return form.querySelector('input[name="type"]:checked').value; }
  function setType(type) {
    form.querySelector('input[name="type"][value="' + type + '"]').checked = true;
    showFields();
  }
  function showFields() {
    var type = currentType();
    Array.prototype.forEach.call(form.querySelectorAll('[data-types]'), function (node) {
      node.hidden = node.getAttribute('data-types').split(' ').indexOf(type) === -1;
    });
    $('payload-label').textContent = type === 'identify' || type === 'group'
      ? 'Traits (JSON)' : 'Properties (JSON)';
    updatePreview();
  }
  Array.prototype.forEach.call(form.querySelectorAll('input[name="type"]'), function (radio) {
    radio.addEventListener('change', showFields);
  });

  function reviveDates(key, value) {
    if (value && typeof value === 'object' && !Array.isArray(value) &&
        Object.keys(value).length === 1 && typeof value.$date === 'string') {
      return new Date(value.$date);
    }
    return value;
  }

  function readPayload() {
    var text = payload.value.trim();
    if (!text) return { value: undefined };
    try {
      return { value: JSON.parse(text, reviveDates) };
    } catch (e) {
      return { error: e.message };
    }
  }
  function clearPayloadError() {
    payload.removeAttribute('aria-invalid');
    $('payload-error').hidden = true;
    $('payload-error').textContent = '';
  }

  // The call as [method, args] from the form; args end with the SDK's own empty options slot.
  function describeCall() {
    var type = currentType();
    var v = function (name) { return $('f-' + name).value; };
    if (type === 'reset') return { type: type, args: [] };
    if (type === 'alias') return { type: type, args: v('from') ? [v('to'), v('from')] : [v('to')] };
    var got = readPayload();
    if (got.error) return { type: type, error: got.error };
    var args = {
      identify: [v('userId'), got.value],
      track: [v('event'), got.value],
      page: [v('category'), v('pageName'), got.value],
      group: [v('groupId'), got.value]
    }[type];
    return { type: type, args: args };
  }

  function updatePreview() {
    var call = describeCall();
    var text = call.error ? 'rudderanalytics.' + call.type + '(…)'
      : callText('rudderanalytics', call.type, call.args).replace(/\s+/g, ' ');
    $('preview').textContent = text.length > 90 ? text.slice(0, 89) + '…' : text;
  }
  form.addEventListener('input', function (e) {
    if (e.target === payload) clearPayloadError();
    updatePreview();
  });

  function fire() {
    var call = describeCall();
    if (call.error) {
      payload.setAttribute('aria-invalid', 'true');
      $('payload-error').textContent = 'This is not valid JSON, so nothing was sent: ' + call.error;
      $('payload-error').hidden = false;
      payload.focus();
      return;
    }
    var ra = window.rudderanalytics;
    var entry = newEntry(call.type, { text: callText('rudderanalytics', call.type, call.args) },
      performance.now());
    if (call.type === 'reset') {
      ra.reset();
      return;
    }
    // The SDK hands its callback the event it queued: its messageId links the Heap side.
    var slots = { identify: 2, track: 2, page: 3, group: 2, alias: 2 }[call.type];
    var args = call.args.slice();
    while (args.length < slots + 1) args.push(undefined); // options slot stays empty
    args.push(function (event) {
      if (event && event.messageId) claim(entry, event.messageId);
    });
    try {
      ra[call.type].apply(ra, args);
    } catch (e) {
      entry.refused = true;
      render(entry);
      addProblem('error', 'rudderanalytics.' + call.type + ' threw: ' + e.message);
      return;
    }
    setTimeout(function () {
      if (!entry.accepted && marks.sdkReady !== undefined) {
        entry.refused = true;
        render(entry);
      }
    }, 4000);
    setTimeout(pollDataplane, 400);
  }

  form.addEventListener('submit', function (e) {
    e.preventDefault();
    fire();
  });
  payload.addEventListener('keydown', function (e) {
    if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) {
      e.preventDefault();
      fire();
    }
  });

  $('clear').addEventListener('click', function () {
    $('entries').textContent = '';
    entries.forEach(function (e) { e.node = null; });
    entries.length = 0;
    updateCount();
  });

  usePreset(0);
  updateCount();
})();
