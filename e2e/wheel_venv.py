"""The wheel `make dist` built, installed in a fresh venv outside the clone, as a user has it.

tests/test_suite_package.py (what needs no browser) and e2e/test_package.py (a live site in
Chromium) share one venv per wheel: made once, under a lock, in the temporary folder (pytest's
workers too), never inside the clone. Each test works in a home folder of its own.
`make test` hands in the wheel `make dist` built (HEAP_DEVICE_DIST); without it one is built.
"""

import fcntl
import hashlib
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
VENVS = Path(tempfile.gettempdir()) / "heap-device-test-venvs"


def clean_env(**extra):
    """The environment of a user's shell: nothing pointing into the clone."""
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    return {**env, **extra}


def dist_folder(tmp_path_factory):
    """The folder holding the sdist and the wheel built from it."""
    given = os.environ.get("HEAP_DEVICE_DIST")
    if given:
        return Path(given).resolve()
    out = tmp_path_factory.mktemp("dist")
    subprocess.run(
        [sys.executable, "-m", "build", "--outdir", str(out), str(REPO)],
        check=True,
        capture_output=True,
    )
    return out


def venv_with(wheel):
    """A venv outside the clone with ``wheel`` installed (and its dependencies); its folder."""
    key = hashlib.sha256(wheel.read_bytes()).hexdigest()[:16]
    venv = VENVS / key
    VENVS.mkdir(parents=True, exist_ok=True)
    with open(VENVS / "lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not (venv / ".complete").exists():
            shutil.rmtree(venv, ignore_errors=True)
            subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
            pip = [str(venv / "bin" / "python"), "-m", "pip", "install", "--quiet"]
            subprocess.run([*pip, str(wheel)], check=True, cwd=VENVS, env=clean_env())
            (venv / ".complete").touch()
            _prune(keep=venv)
    assert REPO not in venv.parents
    return venv


def _prune(keep, age_s=24 * 3600):
    """Forget venvs of wheels older than a day (each `make dist` makes a new wheel)."""
    now = time.time()
    for entry in VENVS.iterdir():
        if entry.is_dir() and entry != keep and now - entry.stat().st_mtime > age_s:
            shutil.rmtree(entry, ignore_errors=True)


class Installed:
    """The installed wheel: ``venv`` (shared) and ``home``, the user's own folder."""

    def __init__(self, venv, home):
        self.venv = venv
        self.home = home
        assert REPO not in home.parents

    def run(self, program, *args, **options):
        """``program`` (heap-device, python) from the venv, in ``home``, with a user's env."""
        return subprocess.run(
            [str(self.venv / "bin" / program), *args],
            capture_output=True,
            text=True,
            cwd=self.home,
            env=clean_env(),
            **options,
        )

    def heap_device(self, *args, **options):
        return self.run("heap-device", *args, **options)
