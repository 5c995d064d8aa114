"""The core: pure Python, data in, Heap calls out as data.

Runs unchanged on CPython, MicroPython and Pyodide; imports nothing of ours outside this folder.
- settings.py: every setting declared once; destination config + tag options -> settings.
- loader.py: settings -> how to load Heap (stub, URL, heap.load arguments).
- calls.py: one message's JSON text -> its Heap calls (`handle`, decoding the text once; or
  `decode`, then `map_message`, for glue that looks at the message in between).
- transform.py: a site's own transformEvent on each message, before the mapping (§9).
- properties.py: normalising properties into what Heap accepts.
- jstext.py: JavaScript's text rules (String(n), JSON.stringify, UTF-16 length, cuts).
- order.py: MicroPython's key order, the one interpreter difference the core deals with.
- errors.py: HeapDeviceError, the one error type users see.

Texts here (notes, errors) carry no "heap-device: " prefix: the bridge and the CLI add it.
"""
