"""PyScript entry (build --boot pyscript): Python on the page's main thread, through PyScript.

The adapter's ``Heap_RS.push`` hands each item to the bridge, and the bridge's batch goes straight
back to the adapter's ``apply``: the same strings as in the worker, without the thread hop.
"""

import js
from pyscript.ffi import create_proxy

from heap_device.browser import bridge

# JS calls this for as long as the page lives: the proxy must be kept (Pyodide frees proxies
# that nobody keeps).
_kept = []


def _push(text):
    batch = bridge.receive(text)
    if batch:
        js.Heap_RS.apply(batch)


def start():
    """Take messages from the adapter: first what queued up (in order), then each as it comes."""
    adapter = js.Heap_RS
    push = create_proxy(_push)
    _kept.append(push)
    adapter.apply(bridge.start())
    adapter.push = push
    adapter.flush()


start()
