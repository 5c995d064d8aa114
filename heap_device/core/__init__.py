"""The core: pure Python, data in, Heap calls out as data.

Runs unchanged on CPython, MicroPython and Pyodide; imports nothing of ours outside this folder.
"""
