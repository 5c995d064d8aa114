"""Browser entry point: PyScript runs this file, which hands over to the bridge."""

from heap_device.browser import bridge

bridge.start()
