# What the runtime freezes (bytecode in the interpreter: nothing is parsed or written at start):
# heap_device's browser modules, as frozen.py says. A site's transform is never frozen: it
# arrives with each build (runtime/web/main.c, module _heap_device).
# opt=3: no line tables or asserts in our own modules (a site's transform keeps its lines).
# makemanifest runs this file from its own folder; the repository is two folders up.
import os
import sys

sys.path.insert(0, os.getcwd())
from frozen import frozen_files  # noqa: E402

package("heap_device", frozen_files("../../heap_device"), base_path="../..", opt=3)  # noqa: F821
