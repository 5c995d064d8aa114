/* heap-baseline.js: the yardstick for `make bench`. Never shipped.
 *
 * A hand-written plain-JS implementation of docs/contract.md §2-5 (settings, loader, call mapping,
 * property normalisation) behind the same adapter interface as heap-device's page side (static/page/)
 * (window.Heap_RS.Heap), mapping each message synchronously, straight from the live object.
 * It is what "no Python at all" would cost. tests/test_baseline_agrees.py runs every vector of
 * tests/vectors.py through it under Node, so it cannot drift from the Python core.
 *
 * In Node, `require()` gives {resolveSettings, loaderPlan, callsFor}. */
(function () {
  'use strict';

  var EVENT_VALUE_MAX = 1023;
  var USER_VALUE_MAX = 255;
  var KEY_MAX = 511;
  var IDENTITY_MAX = 254;
  var EVENT_NAME_MAX = 255;
  var APP_ID_MAX = 32;
  var CIRCULAR_MARK = '[Circular Reference]';
  var PAGE_EVENT = 'Page Viewed';
  var PREFIX = 'heap-device: ';
  var PLACEHOLDERS = ['undefined', 'null', 'none', 'nil', 'nan', 'true', 'false',
    '[object object]', 'anonymous', 'unknown', 'user', 'guest'];
  var V5_METHODS = ['init', 'startTracking', 'stopTracking', 'track', 'resetIdentity', 'identify',
    'identifyHashed', 'getSessionId', 'getUserId', 'getIdentity', 'addUserProperties',
    'addEventProperties', 'removeEventProperty', 'clearEventProperties', 'addAccountProperties',
    'addAdapter', 'addTransformer', 'addTransformerFn', 'onReady', 'addPageviewProperties',
    'removePageviewProperty', 'clearPageviewProperties', 'trackPageview'];
  var CLASSIC_METHODS = ['addEventProperties', 'addUserProperties', 'clearEventProperties',
    'identify', 'resetIdentity', 'removeEventProperty', 'setEventProperties', 'track',
    'unsetEventProperty'];
  var SDK_KEYS = ['connectionMode', 'useNativeSDK', 'useNativeSDKToSend', 'eventFilteringOption',
    'whitelistedEvents', 'blacklistedEvents', 'oneTrustCookieCategories', 'ketchConsentPurposes',
    'consentManagement', 'dataResidency', 'eventDelivery', 'eventDeliveryTS'];
  var LOAD_OPTIONS = ['disableTextCapture', 'secureCookie', 'ingestServer', 'trackingServer'];
  var LOOPBACK = ['127.0.0.1', 'localhost', '[::1]'];
  var has = Object.prototype.hasOwnProperty;

  function isObject(v) {
    return v !== null && typeof v === 'object' && !Array.isArray(v);
  }

  // ---- settings (docs/contract.md §2) ---------------------------------------------------------

  function appId(v) {
    if (typeof v === 'number' && Number.isInteger(v)) v = String(v);
    if (typeof v !== 'string') return null;
    v = v.trim();
    return v.length >= 1 && v.length <= APP_ID_MAX && /^[0-9]+$/.test(v) ? v : null;
  }
  function bool(v) { return v === true || v === false ? v : null; }
  function choice(allowed) {
    return function (v) { return typeof v === 'string' && allowed.indexOf(v) !== -1 ? v : null; };
  }
  function hostname(v) {
    if (typeof v !== 'string' || !v) return null;
    var lower = v.toLowerCase();
    var at = lower.indexOf(':');
    var host = at === -1 ? lower : lower.slice(0, at);
    var port = at === -1 ? '' : lower.slice(at + 1);
    if (!/^[a-z0-9.-]+$/.test(host) || /^[.-]|[.-]$/.test(host)) return null;
    if (port && !(/^[0-9]+$/.test(port) && +port > 0 && +port < 65536)) return null;
    return lower;
  }
  function splitUrl(v) {
    if (typeof v !== 'string') return null;
    var at = v.indexOf('://');
    if (at === -1) return null;
    var scheme = v.slice(0, at).toLowerCase();
    if (scheme !== 'http' && scheme !== 'https') return null;
    var host = v.slice(at + 3).split(/[/?#]/)[0];
    if (!host || /[ "<]/.test(v)) return null;
    return [scheme, host.toLowerCase()];
  }
  function httpsUrl(v) {
    var parts = splitUrl(v);
    return parts && parts[0] === 'https' ? v : null;
  }
  function scriptUrl(v) {
    if (typeof v === 'string' && v.charAt(0) === '/' && v.charAt(1) !== '/') {
      return /[ "]/.test(v) ? null : v;
    }
    var parts = splitUrl(v);
    if (!parts) return null;
    if (parts[0] === 'https') return v;
    var host = parts[1];
    var name = host;
    if (host.split(':').length === 2 || host.charAt(0) === '[') {
      var colon = host.lastIndexOf(':');
      name = colon === -1 ? '' : host.slice(0, colon);
    }
    return LOOPBACK.indexOf(name) !== -1 ? v : null;
  }
  function accountProperty(v) {
    return typeof v === 'string' && v.trim() && v !== 'user_id' ? v : null;
  }

  var DEFAULTS = {
    appId: null, sdk: 'v5', hostname: null, scriptUrl: null, disableTextCapture: false,
    secureCookie: false, ingestServer: null, trackingServer: null, trackPageCalls: false,
    resetOnReset: true, accountIdProperty: 'account_id', arrayFormat: 'joined', debug: false
  };
  var CHECKS = {
    appId: appId, sdk: choice(['v5', 'classic']), hostname: hostname, scriptUrl: scriptUrl,
    disableTextCapture: bool, secureCookie: bool, ingestServer: httpsUrl, trackingServer: httpsUrl,
    trackPageCalls: bool, resetOnReset: bool, accountIdProperty: accountProperty,
    arrayFormat: choice(['joined', 'json']), debug: bool
  };

  /* Destination config overridden by tag options -> {settings, warnings}; throws Error on a bad
   * value (its message is the console error). */
  function resolveSettings(config, options) {
    if (config === null || config === undefined) config = {};
    if (options === null || options === undefined) options = {};
    if (!isObject(config)) throw new Error(PREFIX + 'the destination config must be an object');
    if (!isObject(options)) throw new Error(PREFIX + 'data-options must be a JSON object');
    var warnings = [];
    var given = {};
    [config, options].forEach(function (source) {
      Object.keys(source).forEach(function (key) {
        if (SDK_KEYS.indexOf(key) !== -1) return;
        if (!has.call(CHECKS, key)) {
          if (!has.call(given, key)) warnings.push(PREFIX + 'unknown setting "' + key + '" ignored');
          given[key] = null;
          return;
        }
        given[key] = source[key];
      });
    });
    var settings = {};
    Object.keys(DEFAULTS).forEach(function (key) {
      var value = given[key];
      // A blank dashboard field means unset, except for accountIdProperty: "" is refused there.
      if (value === null || value === undefined || (value === '' && key !== 'accountIdProperty')) {
        settings[key] = DEFAULTS[key];
        return;
      }
      var clean = CHECKS[key](value);
      if (clean === null) throw new Error(PREFIX + key + ' ' + JSON.stringify(value) + ' is not valid');
      settings[key] = clean;
    });
    if (settings.appId === null) throw new Error(PREFIX + 'appId is missing');
    return { settings: settings, warnings: warnings };
  }

  // ---- loader (docs/contract.md §3) -----------------------------------------------------------

  function loaderPlan(s) {
    var src = s.scriptUrl;
    if (!src) {
      src = s.sdk === 'classic'
        ? 'https://' + (s.hostname || 'cdn.heapanalytics.com') + '/js/heap-' + s.appId + '.js'
        : 'https://' + (s.hostname || 'cdn.us.heap-api.com') + '/config/' + s.appId +
          '/heap_config.js';
    }
    var config = {};
    LOAD_OPTIONS.forEach(function (key) {
      if (s[key] !== null && s[key] !== false && s[key] !== undefined) config[key] = s[key];
    });
    if (s.sdk === 'v5') config.shouldFetchServerConfig = false;
    return {
      sdk: s.sdk, appId: s.appId, src: src, config: config,
      methods: (s.sdk === 'v5' ? V5_METHODS : CLASSIC_METHODS).slice()
    };
  }

  // ---- normalising (docs/contract.md §5), straight from the live object -----------------------

  // Longest prefix within `limit` UTF-16 units that does not split a surrogate pair.
  function cut(text, limit) {
    if (text.length <= limit) return text;
    var last = text.charCodeAt(limit - 1);
    var next = text.charCodeAt(limit);
    if (last >= 0xd800 && last <= 0xdbff && next >= 0xdc00 && next <= 0xdfff) limit -= 1;
    return text.slice(0, limit);
  }

  // The JSON-ready copy docs/contract.md §5 describes (what heap-device.js serialises); arrays
  // only.
  function plain(value, path) {
    var t = typeof value;
    if (value === null || t === 'string' || t === 'boolean') return value;
    if (t === 'number') return isFinite(value) ? value : null;
    if (t === 'bigint') return value.toString();
    if (t !== 'object') return undefined;
    if (value instanceof Date) return isNaN(value.getTime()) ? null : value.toISOString();
    if (path.indexOf(value) !== -1) return undefined;
    path.push(value);
    var isArray = Array.isArray(value);
    var out = isArray ? [] : {};
    var keys = Object.keys(value);
    for (var i = 0; i < keys.length; i++) {
      var item;
      try { item = plain(value[keys[i]], path); } catch (e) { item = undefined; }
      if (item === undefined || (isArray && item === CIRCULAR_MARK)) continue;
      if (isArray) out.push(item); else out[keys[i]] = item;
    }
    path.pop();
    return out;
  }

  // An array as one string (`a||b` or JSON text), or null when nothing of it would be sent.
  function arrayText(items, format, limit, path) {
    // The SDK's cycle mark is dropped as an array item too: such arrays go through plain().
    var text = format === 'joined' && items.indexOf(CIRCULAR_MARK) === -1 ? joined(items) : null;
    if (text === null) {
      items = plain(items, path); // dates, undefined, NaN... inside: as the serialiser would
      if (!items.length) return null;
      text = format === 'joined' ? joined(items) : null;
      if (text === null) text = JSON.stringify(items);
    }
    return cut(text, limit);
  }

  // `a||b||1||true` when every item is a string, finite number or bool; else null.
  function joined(items) {
    var text = '';
    for (var i = 0; i < items.length; i++) {
      var item = items[i];
      var t = typeof item;
      if (t === 'number' ? !isFinite(item) : t !== 'string' && t !== 'boolean') return null;
      text += (i ? '||' : '') + item;
    }
    return text;
  }

  function Flattener(forUser, format) {
    this.forUser = forUser;
    this.format = format;
    this.limit = forUser ? USER_VALUE_MAX : EVENT_VALUE_MAX;
    this.out = {};
  }
  Flattener.prototype.object = function (obj, prefix, path, skip) {
    var keys = Object.keys(obj);
    for (var i = 0; i < keys.length; i++) {
      var key = keys[i];
      if (skip && skip(key)) continue;
      var value;
      try { value = obj[key]; } catch (e) { continue; }
      this.value(prefix + key, value, path);
    }
  };
  Flattener.prototype.value = function (name, value, path) {
    var t = typeof value;
    if (t === 'string') {
      if (value === CIRCULAR_MARK) return;
      value = cut(value, this.limit);
    } else if (t === 'number') {
      if (!isFinite(value)) return; // serialised as null: dropped
    } else if (t === 'boolean') {
      if (this.forUser) value = value ? 'true' : 'false';
    } else if (t === 'bigint') {
      value = cut(value.toString(), this.limit);
    } else if (t !== 'object' || value === null) {
      return; // null, undefined, functions, symbols
    } else if (value instanceof Date) {
      if (isNaN(value.getTime())) return;
      value = value.toISOString();
    } else if (path.indexOf(value) !== -1) {
      return; // a cycle: the serialiser drops it
    } else if (Array.isArray(value)) {
      if (!value.length) return;
      value = arrayText(value, this.format, this.limit, path);
      if (value === null) return; // every item vanished: an empty array
    } else {
      path.push(value);
      this.object(value, name + '.', path, null);
      path.pop();
      return;
    }
    if (!name) return;
    if (name.length > KEY_MAX) name = cut(name, KEY_MAX);
    this.out[name] = value;
  };

  function kept(v) {
    return v !== undefined && typeof v !== 'function' && typeof v !== 'symbol';
  }

  /* Property objects -> one flat object. A later source replaces an earlier one's top-level key
   * (as Object.assign); `ancestors[i]` are the objects above sources[i] (to drop cycles). */
  function normalise(sources, ancestors, forUser, format) {
    var f = new Flattener(forUser, format);
    sources.forEach(function (source, s) {
      var later = sources.slice(s + 1);
      var skip = later.length ? function (key) {
        for (var j = 0; j < later.length; j++) {
          if (has.call(later[j], key) && kept(later[j][key])) return true;
        }
        return false;
      } : null;
      f.object(source, '', ancestors[s].concat([source]), skip);
    });
    return f.out;
  }

  function propertiesOf(v) { return isObject(v) && !(v instanceof Date) ? v : null; }

  // ---- calls (docs/contract.md §4) ------------------------------------------------------------

  // A leaf as the serialiser hands it over: undefined when it would vanish.
  function leaf(v) {
    var t = typeof v;
    if (t === 'bigint') return v.toString();
    if (t === 'number') return isFinite(v) ? v : null;
    if (v instanceof Date) return isNaN(v.getTime()) ? null : v.toISOString();
    return kept(v) ? v : undefined;
  }

  function show(v) {
    return typeof v === 'string' ? '"' + cut(v, 80) + '"' : String(v);
  }

  function checkedId(raw, what, placeholders, warnings) {
    var v = leaf(raw);
    var id = typeof v === 'string' ? v.trim() : typeof v === 'number' ? v : null;
    if (id === null) {
      if (v !== null && v !== undefined) warnings.push(PREFIX + what + ' is not a string or number; ignored');
      return null;
    }
    var text = String(id);
    var problem = null;
    if (!text) problem = ' is empty; refused';
    else if (text.length > IDENTITY_MAX) {
      problem = ' is ' + text.length + " characters, over Heap's " + IDENTITY_MAX + '; refused';
    } else if (text === CIRCULAR_MARK) {
      problem = " refused: it is the SDK's mark for a cut cycle";
    } else if (placeholders && PLACEHOLDERS.indexOf(text.toLowerCase()) !== -1) {
      problem = ' ' + show(text) + ' refused: Heap would merge every user identified with it ' +
        'into one profile';
    }
    if (problem === null) return id;
    warnings.push(PREFIX + what + problem);
    return null;
  }

  function identify(m, s, warnings) {
    var calls = [];
    var id = checkedId(m.userId, 'identity', true, warnings);
    if (id !== null) calls.push(['identify', [id]]);
    var context = propertiesOf(m.context);
    var sources = [];
    var ancestors = [];
    var ctxTraits = context && propertiesOf(context.traits);
    var traits = propertiesOf(m.traits);
    if (ctxTraits) { sources.push(ctxTraits); ancestors.push([m, context]); }
    if (traits) { sources.push(traits); ancestors.push([m]); }
    var props = normalise(sources, ancestors, true, s.arrayFormat);
    delete props.user_id;
    for (var k in props) { calls.push(['addUserProperties', [props]]); break; }
    return calls;
  }

  function eventName(raw, warnings) {
    var v = leaf(raw);
    var name = typeof v === 'string' ? v.trim() : typeof v === 'number' ? String(v) : '';
    if (!name) {
      warnings.push(PREFIX + 'track call without an event name (' + show(v) + '); skipped');
      return null;
    }
    return cut(name, EVENT_NAME_MAX);
  }

  function eventProperties(m, s) {
    var props = propertiesOf(m.properties);
    return props ? normalise([props], [[m]], false, s.arrayFormat) : {};
  }

  function track(m, s, warnings) {
    var name = eventName(m.event, warnings);
    return name === null ? [] : [['track', [name, eventProperties(m, s)]]];
  }

  function page(m, s) {
    return s.trackPageCalls ? [['track', [PAGE_EVENT, eventProperties(m, s)]]] : [];
  }

  function group(m, s, warnings) {
    var calls = [];
    var id = checkedId(m.groupId, 'groupId', false, warnings);
    if (id !== null) {
      var account = {};
      account[s.accountIdProperty] = id;
      calls.push(['addUserProperties', [account]]);
    }
    var traits = propertiesOf(m.traits);
    var props = traits ? normalise([traits], [[m]], true, s.arrayFormat) : {};
    for (var k in props) {
      if (s.sdk === 'v5') calls.push(['addAccountProperties', [props]]);
      else warnings.push(PREFIX + "group traits not sent: Heap's classic loader has no addAccountProperties");
      break;
    }
    return calls;
  }

  var HANDLERS = {
    identify: identify, track: track, page: page, group: group,
    alias: function () { return []; },
    reset: function (m, s) { return s.resetOnReset ? [['resetIdentity', []]] : []; }
  };

  /* A RudderStack message (live object) -> {calls: [[method, args]], warnings: [text]}. */
  function callsFor(message, settings) {
    var warnings = [];
    if (!isObject(message)) {
      return { calls: [], warnings: [PREFIX + 'a message that is not an object was skipped'] };
    }
    var kind = message.type;
    var handler = typeof kind === 'string' && has.call(HANDLERS, kind) ? HANDLERS[kind] : null;
    if (!handler) {
      return { calls: [], warnings: [PREFIX + 'message type ' + show(kind) + ' is not supported; skipped'] };
    }
    return { calls: handler(message, settings, warnings), warnings: warnings };
  }

  if (typeof module === 'object' && module.exports) {
    module.exports = { resolveSettings: resolveSettings, loaderPlan: loaderPlan, callsFor: callsFor };
    return;
  }

  // ---- the adapter: same interface as heap-device's (static/page/ways.js), mapping synchronously -----------

  var rs = (window.Heap_RS = window.Heap_RS || {});
  if (rs.Heap) return;
  var self = document.currentScript;
  var optionsText = self ? self.getAttribute('data-options') : null;
  var state = { settings: null, constructed: false, pendingReset: 0 };
  rs.baseline = { resolveSettings: resolveSettings, loaderPlan: loaderPlan, callsFor: callsFor };

  function deliver(message) {
    var s = state.settings;
    if (!s) return;
    try {
      var result = callsFor(message, s);
      for (var w = 0; w < result.warnings.length; w++) console.warn(result.warnings[w]);
      if (s.debug) console.log(PREFIX + (message && message.type) + ' -> ' + JSON.stringify(result.calls));
      var heap = window.heap;
      for (var i = 0; i < result.calls.length; i++) {
        var call = result.calls[i];
        if (heap && typeof heap[call[0]] === 'function') heap[call[0]].apply(heap, call[1]);
        else console.warn(PREFIX + 'window.heap.' + call[0] + ' does not exist; that call was skipped');
      }
    } catch (e) {
      console.error(PREFIX + 'could not handle a ' + (message && message.type) + ' message', e);
    }
  }

  function installStub(plan) {
    var heap = (window.heap = window.heap || []);
    if (plan.sdk === 'v5') {
      var ready = (window.heapReadyCb = window.heapReadyCb || []);
      heap.load = function (envId, clientConfig) { heap.envId = envId; heap.clientConfig = clientConfig; };
      plan.methods.forEach(function (name) {
        heap[name] = function () {
          var args = Array.prototype.slice.call(arguments);
          ready.push({ name: name, fn: function () { window.heap[name].apply(window.heap, args); } });
        };
      });
    } else {
      heap.load = function (id, config) { heap.appid = id; heap.config = config; };
      plan.methods.forEach(function (name) {
        heap[name] = function () { heap.push([name].concat(Array.prototype.slice.call(arguments))); };
      });
    }
    heap.load(plan.appId, plan.config);
    var tag = document.createElement('script');
    tag.async = true;
    tag.src = plan.src;
    tag.onerror = function () { console.warn(PREFIX + 'could not load ' + plan.src + '; Heap is off'); };
    (document.head || document.documentElement).appendChild(tag);
  }

  function pageHasHeap() {
    var h = window.heap;
    return !!(h && (h.appid || h.envId || h.loaded));
  }

  function hookReset() {
    var ra = window.rudderanalytics;
    if (!ra || typeof ra.reset !== 'function' || ra.reset.heapDeviceHook) return;
    var original = ra.reset;
    var hooked = function () {
      deliver({ type: 'reset' });
      return original.apply(this, arguments);
    };
    hooked.heapDeviceHook = true;
    ra.reset = hooked;
  }

  function Heap(config, analytics, destinationInfo) {
    this.name = 'HEAP';
    this.analytics = analytics;
    this.destinationInfo = destinationInfo;
    if (state.constructed) return;
    state.constructed = true;
    try {
      var options = optionsText ? JSON.parse(optionsText) : {};
      var resolved = resolveSettings(config || {}, options);
      resolved.warnings.forEach(function (w) { console.warn(w); });
      state.settings = resolved.settings;
      if (!pageHasHeap()) installStub(loaderPlan(resolved.settings));
      hookReset();
    } catch (e) {
      console.error(e && e.message ? e.message : PREFIX + 'bad settings');
    }
  }
  Heap.prototype.init = function () {};
  Heap.prototype.isReady = function () { return true; };
  Heap.prototype.isLoaded = function () { return true; };
  ['identify', 'track', 'page', 'group', 'alias'].forEach(function (type) {
    Heap.prototype[type] = function (rudderElement) { deliver(rudderElement && rudderElement.message); };
  });
  rs.Heap = Heap;
})();
