# What the runtime freezes (bytecode in the interpreter: nothing is parsed or written at start):
# heap_device's browser modules, the package's __init__.py and its core/ and browser/ folders,
# except browser/main.py (PyScript's entry: it imports js and pyscript). A site's transform is
# never frozen: it arrives with each build (runtime/web/main.c, module _heap_device).
# opt=3: no line tables or asserts in our own modules (a site's transform keeps its lines).
# makemanifest runs this file from its own folder; the repository is two folders up.
import os

ROOMS = ("core", "browser")
LEFT_OUT = ("browser/main.py",)


def frozen_files(root):
    names = ["__init__.py"]
    for room in ROOMS:
        for name in sorted(os.listdir(os.path.join(root, "heap_device", room))):
            if name.endswith(".py") and room + "/" + name not in LEFT_OUT:
                names.append(room + "/" + name)
    return names


package("heap_device", frozen_files("../.."), base_path="../..", opt=3)  # noqa: F821
