// What the webassembly port's C (mphalport.c, modtime.c) asks of JavaScript, as the port's own
// library.js gives it, without the REPL's stdin hook and written without arrow functions
// (Debian's Emscripten 3.1.6 cannot parse them in a JS library).
mergeInto(LibraryManager.library, {
    mp_js_ticks_ms__postset: "var MP_JS_EPOCH = Date.now()",
    mp_js_ticks_ms: function () {
        return Date.now() - MP_JS_EPOCH;
    },
    mp_js_time_ms: function () {
        return Date.now();
    },
    mp_js_random_u32: function () {
        return globalThis.crypto.getRandomValues(new Uint32Array(1))[0];
    },
});
