"""Which of heap_device's files the runtime freezes: one rule for the manifest (manifest.py),
the build's record of them (finish.py, static/runtime/build.json) and the staleness test.

The package's __init__.py and every .py file of its core/ and browser/ folders, except
browser/main.py (PyScript's entry: it imports js and pyscript). Paths under heap_device/.
"""

import os

ROOMS = ("core", "browser")
LEFT_OUT = ("browser/main.py",)


def frozen_files(package_dir):
    """Sorted paths (under heap_device/) of the modules frozen from the package at package_dir."""
    names = ["__init__.py"]
    for room in ROOMS:
        for name in sorted(os.listdir(os.path.join(package_dir, room))):
            if name.endswith(".py") and room + "/" + name not in LEFT_OUT:
                names.append(room + "/" + name)
    return names
