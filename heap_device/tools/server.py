"""What every local server of ours shares: the MIME types a bundle must be served with.

Browsers refuse ``.mjs`` and ``.wasm`` served with the wrong type; the demo, the e2e tests and the
bench all serve bundles with this map.
"""

BUNDLE_TYPES = {
    ".js": "text/javascript",
    ".mjs": "text/javascript",
    ".wasm": "application/wasm",
    ".py": "text/plain; charset=utf-8",
    ".mpy": "application/octet-stream",
    ".json": "application/json",
    ".zip": "application/zip",
    ".css": "text/css",
    ".svg": "image/svg+xml",
}
