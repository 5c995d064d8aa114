/* heap.js: carry out what Python decided, on the page: a batch of operations, Heap's loader plan
 * and its stub. No rules here: each operation is done as written, in order
 * (heap_device/browser/bridge.py lists them). */

/** Apply one batch, {ops: [...], error} as JSON text. A Heap call that throws skips the rest of
 * that message's calls, after `error` and the JS error are logged. */
export function applyBatch(text) {
  var batch;
  try { batch = JSON.parse(text); } catch (e) { return; }
  var ops = batch.ops, callsOff = false;
  for (var i = 0; i < ops.length; i++) {
    var op = ops[i];
    try {
      if (op[0] === 'call') { if (!callsOff) callHeap(op[1], op[2], op[3]); }
      else if (op[0] === 'log') console[op[1]](op[2]);
      else if (op[0] === 'plan') loadHeap(op[1]);
      else if (op[0] === 'event') dispatch(op[1], op[2]);
    } catch (e) {
      callsOff = true;
      console.error(batch.error + String(e));
    }
  }
}

/** A window event for page tools; `t` is when it was dispatched, on the page's clock. */
export function dispatch(name, detail) {
  detail.t = performance.now();
  window.dispatchEvent(new CustomEvent(name, { detail: detail }));
}

function callHeap(name, args, missing) {
  var heap = window.heap;
  if (!heap || typeof heap[name] !== 'function') return console.warn(missing);
  heap[name].apply(heap, args);
}

/** Heap's loader plan: its stub, heap.load and the async script tag, unless the page has Heap. */
export function loadHeap(plan) {
  var heap = window.heap;
  if (heap && plan.present.some(function (key) { return heap[key]; })) {
    if (plan.presentNote) console.debug(plan.presentNote);
    return;
  }
  installHeapStub(plan.sdk, plan.methods);
  window.heap.load(plan.appId, plan.config);
  var tag = document.createElement('script');
  tag.async = true;
  tag.src = plan.src;
  tag.onerror = function () { console.warn(plan.blockedNote); };
  (document.head || document.documentElement).appendChild(tag);
}

/** Heap's stub, as its snippets make it; Python decides the kind and the methods. v5 queues
 * {name, fn} on window.heapReadyCb; classic pushes [name, ...args] onto the heap array. */
export function installHeapStub(kind, methods) {
  var heap = (window.heap = window.heap || []);
  var ready = kind === 'v5' ? (window.heapReadyCb = window.heapReadyCb || []) : null;
  heap.load = function (id, config) {
    if (ready) { heap.envId = id; heap.clientConfig = config || {}; }
    else { heap.appid = id; heap.config = config || {}; }
  };
  methods.forEach(function (name) {
    heap[name] = function () {
      var args = Array.prototype.slice.call(arguments);
      if (!ready) return heap.push([name].concat(args));
      ready.push({ name: name, fn: function () { window.heap[name].apply(window.heap, args); } });
    };
  });
}
