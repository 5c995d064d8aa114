"""The one error type users see."""


class HeapDeviceError(ValueError):
    """A setting or argument the user must fix; the message names the bad value and the fix."""
