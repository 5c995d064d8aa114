"""heap-device: the Heap.io destination for RudderStack's browser SDK, in Python."""

__version__ = "0.1.0"
