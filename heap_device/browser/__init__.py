"""The browser glue: the only code that touches ``js``/``pyscript``; imports the core only."""
