"""The network bench's pure parts (no browser, no server): the link profiles, the whole-browser CPU
throttle through a cgroup, a heap.js stand-in of a realistic size, medians and ratios.

Why a cgroup: DevTools' CPU throttling (``Emulation.setCPUThrottlingRate``) slows the page's main
thread only, not a dedicated worker, so a worker build would run its Python at full speed while
the plain-JS page pays the whole factor. A cgroup's CPU quota caps every process of the browser
(renderer, its worker threads, network service) alike: 1/factor of one core. The machine is
shared, so the group also weighs as SHARES_TASKS busy processes: under load it still gets its
quota (a cap alone would leave it whatever the other work leaves), and never more.
"""

import gzip
import random
import statistics
from pathlib import Path

# DevTools-style link profiles: round trip (ms), throughput (kbit/s), CPU slow-down factor.
PROFILES = {
    "desktop": {"rtt_ms": 40, "down_kbit": 10_000, "up_kbit": 5_000, "cpu": 1},
    "mobile": {"rtt_ms": 150, "down_kbit": 1_600, "up_kbit": 750, "cpu": 4},
}
CFS_PERIOD_US = 10_000  # a short period: the quota's stalls stay short (a 100 ms one is jerky)
SHARES_TASKS = 8  # the group's weight against the machine's other processes, in processes


def network_conditions(profile):
    """``Network.emulateNetworkConditions`` parameters for a profile (throughput in bytes/s)."""
    return {
        "offline": False,
        "latency": profile["rtt_ms"],
        "downloadThroughput": profile["down_kbit"] * 1000 / 8,
        "uploadThroughput": profile["up_kbit"] * 1000 / 8,
    }


def cpu_controller(mounts, controllers=lambda path: ""):
    """Where to make a CPU cgroup: ("v2", mount point) when the unified hierarchy offers the cpu
    controller (``controllers(path)`` reads its cgroup.controllers), else ("v1", the cpu
    controller's mount point), else None. ``mounts`` is /proc/mounts' text."""
    v1 = None
    for line in mounts.splitlines():
        fields = line.split()
        if len(fields) < 4:
            continue
        kind, point, options = fields[2], fields[1], fields[3].split(",")
        if kind == "cgroup2" and "cpu" in controllers(point).split():
            return ("v2", point)
        if kind == "cgroup" and "cpu" in options and v1 is None:
            v1 = ("v1", point)
    return v1


def quota_files(version, factor, period_us=CFS_PERIOD_US, tasks=SHARES_TASKS):
    """{file name: text} that give a cgroup 1/factor of one CPU, weighed as `tasks` processes."""
    quota = int(period_us / factor)
    if version == "v2":  # a process weighs 100 in cgroup v2, 1024 in v1
        return {"cpu.max": "%d %d" % (quota, period_us), "cpu.weight": str(100 * tasks)}
    return {
        "cpu.cfs_period_us": str(period_us),
        "cpu.cfs_quota_us": str(quota),
        "cpu.shares": str(1024 * tasks),
    }


class CpuThrottle:
    """A cgroup that holds a browser at 1/factor of one CPU, and a wrapper executable that puts
    the browser in it before starting it (every process it starts inherits the group)."""

    def __init__(self, name, factor, executable, scratch, mounts_file="/proc/mounts"):
        found = cpu_controller(
            Path(mounts_file).read_text(),
            lambda p: _read(Path(p) / "cgroup.controllers"),
        )
        if found is None:
            raise RuntimeError("no cgroup with the cpu controller is mounted")
        self.version, root = found
        self.path = Path(root) / name
        self.path.mkdir(exist_ok=True)
        if self.version == "v2":
            _write(Path(root) / "cgroup.subtree_control", "+cpu", missing_ok=True)
        for file, text in quota_files(self.version, factor).items():
            _write(self.path / file, text)
        self.factor = factor
        self.wrapper = Path(scratch) / ("chromium-" + name)
        self.wrapper.write_text(wrapper_script(self.path / "cgroup.procs", executable))
        self.wrapper.chmod(0o755)

    def close(self):
        """Remove the group (its processes have exited by now; a busy group stays, harmlessly)."""
        try:
            self.path.rmdir()
        except OSError:
            pass


def wrapper_script(procs, executable):
    return '#!/bin/sh\necho $$ > %s\nexec %s "$@"\n' % (procs, executable)


def _read(path):
    try:
        return Path(path).read_text()
    except OSError:
        return ""


def _write(path, text, missing_ok=False):
    try:
        Path(path).write_text(text)
    except OSError:
        if not missing_ok:
            raise


def padded_script(code, sources, target_gzip, seed=7):
    """``code`` followed by never-called functions holding real minified JS (``sources``, texts of
    classic scripts) and then generated code of the same kind, until the whole is about
    ``target_gzip`` bytes gzip'd: a heap.js stand-in that costs the wire and the parser what a
    real one does, and runs only ``code``."""
    parts = [code]
    for i, text in enumerate(sources):
        candidate = parts + ["\nfunction __heapPad%d(){\n%s\n}\n" % (i, text)]
        if _gzip_size(candidate) > target_gzip:
            break
        parts = candidate
    rng = random.Random(seed)
    n = 0
    while _gzip_size(parts) < target_gzip:
        parts.append(_filler(rng, n))
        n += 1
    return "".join(parts)


WORDS = (
    "session user event track identify page view property value cookie storage queue flush"
    " batch config host script load ready consent pageview referrer campaign device browser"
    " screen width height timestamp retry timeout error warn debug url path query hash title"
).split()


def _filler(rng, n):
    """One generated minified function: short names, string literals, numbers, branches."""
    names = ["%s%d" % (rng.choice("abcdefghijklmnopqrstuvwxyz"), rng.randrange(100)) for _ in "ab"]
    body = []
    for _ in range(rng.randrange(3, 8)):
        word = "%s_%s" % (rng.choice(WORDS), rng.choice(WORDS))
        body.append(
            'if(%s.%s!==void 0){%s["%s"]=%s.%s*%d+"%s";}'
            % (
                names[0],
                rng.choice(WORDS),
                names[1],
                word,
                names[0],
                rng.choice(WORDS),
                rng.randrange(1, 99999),
                rng.choice(WORDS),
            )
        )
    return "function __heapGen%d(%s,%s){var %s={};%sreturn %s}\n" % (
        n,
        names[0],
        names[0] + "x",
        names[1],
        "".join(body),
        names[1],
    )


def _gzip_size(parts):
    return len(gzip.compress("".join(parts).encode("utf-8"), 9))


def median(values):
    values = [v for v in values if v is not None]
    return statistics.median(values) if values else None


def ratio(a, b):
    return a / b if a is not None and b else None
