/* trust.js: a file the build wrote runs only with the bytes the build wrote. The tag's SRI pins
 * heap-device.js; its BUILD.integrity holds the sha384 of the runtime module, whose own
 * BUILD.integrity holds those of the interpreter, its .wasm and the module pack: a chain from the
 * tag to every byte that runs. The build also copies this module into heap-device-runtime.js. */

// Said once per page (or worker): SubtleCrypto exists only in secure contexts (https:,
// localhost, 127.0.0.1). A plain http: page travels unprotected anyway (whoever can change the
// files on the way can change the page), so there files run unverified, with this warning.
var insecureWarned = false;
// (The build copies this module into the runtime module, where state.js's PREFIX is not: its
// lines spell 'heap-device: ' out.)

/** The Subresource Integrity value ('sha384-<base64>') of `bytes` (an ArrayBuffer). */
export function sha384(bytes, subtle) {
  return subtle.digest('SHA-384', bytes).then(function (digest) {
    var view = new Uint8Array(digest), text = '';
    for (var i = 0; i < view.length; i++) text += String.fromCharCode(view[i]);
    return 'sha384-' + btoa(text);
  });
}

/** Resolves to `bytes` if they hash to `expected`; else rejects with an Error whose `refused`
 * is the console line naming the file and the fix. No `expected` (a build without hashes) or no
 * SubtleCrypto (not a secure context): resolves unverified. */
export function verify(url, bytes, expected, subtle) {
  if (subtle === undefined) subtle = globalThis.crypto && globalThis.crypto.subtle;
  if (!expected) return Promise.resolve(bytes);
  if (!subtle) {
    if (!insecureWarned) {
      console.warn('heap-device: files are not verified on this page: it is not a secure ' +
        'context (http:), where browsers offer no SubtleCrypto; serve it over https:');
    }
    insecureWarned = true;
    return Promise.resolve(bytes);
  }
  return sha384(bytes, subtle).then(function (got) {
    if (got === expected) return bytes;
    var error = new Error(url + ' is not the file the build wrote');
    error.refused = url + ' is not the file this build wrote (sha384 ' + got + ', the build ' +
      'wrote ' + expected + '), so heap-device does not run it and Heap gets no events. Fix: ' +
      'upload the whole folder one heap-device build wrote again, every file of that build ' +
      '(and no CDN or proxy rewriting them)';
    throw error;
  });
}

/** Fetch `url`: resolves to the response, rejects with an Error naming the file if the server
 * refused it. Nothing in it is verified yet. */
export function fetchFound(url) {
  return fetch(url, { credentials: 'same-origin' }).then(function (response) {
    if (!response.ok) {
      var what = /\.wasm$/.test(url) ? 'the wasm' : url.slice(url.lastIndexOf('/') + 1);
      throw new Error('fetching of ' + what + ' failed: ' + url + ' answered HTTP ' + response.status);
    }
    return response;
  });
}

/** Fetch `url` and resolve to its bytes (an ArrayBuffer) once verify() agrees. */
export function fetchVerified(url, expected, subtle) {
  return fetchFound(url).then(function (response) {
    return response.arrayBuffer();
  }).then(function (bytes) { return verify(url, bytes, expected, subtle); });
}
