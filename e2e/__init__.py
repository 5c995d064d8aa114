"""Browser and CLI tests (pytest-playwright)."""
