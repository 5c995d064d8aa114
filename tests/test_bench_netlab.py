"""bench/netlab.py's pure parts: the link profiles the network bench publishes, where it makes its
CPU cgroup and what it writes there, and the padded heap.js stand-in (no browser, no timing)."""

import gzip
import random
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "bench"))

import netlab  # noqa: E402

MOUNTS_V1 = """\
tmpfs /sys/fs/cgroup tmpfs rw,relatime,mode=755 0 0
cgroup /sys/fs/cgroup/cpuacct cgroup rw,relatime,cpuacct 0 0
cgroup /sys/fs/cgroup/cpu cgroup rw,relatime,cpu 0 0
cgroup2 /sys/fs/cgroup/unified cgroup2 rw,relatime 0 0
"""
MOUNTS_V2 = "cgroup2 /sys/fs/cgroup cgroup2 rw,nosuid,nodev,noexec,relatime 0 0\n"


def test_profiles_are_the_issues_links():
    assert netlab.PROFILES["desktop"] == {
        "rtt_ms": 40,
        "down_kbit": 10_000,
        "up_kbit": 5_000,
        "cpu": 1,
    }
    assert netlab.PROFILES["mobile"] == {
        "rtt_ms": 150,
        "down_kbit": 1_600,
        "up_kbit": 750,
        "cpu": 4,
    }


def test_network_conditions_in_bytes_per_second():
    got = netlab.network_conditions(netlab.PROFILES["mobile"])
    assert got == {
        "offline": False,
        "latency": 150,
        "downloadThroughput": 200_000,
        "uploadThroughput": 93_750,
    }


def test_cpu_controller_v1_is_the_cpu_mount_not_cpuacct_nor_an_empty_unified_tree():
    assert netlab.cpu_controller(MOUNTS_V1, lambda p: "") == ("v1", "/sys/fs/cgroup/cpu")


def test_cpu_controller_v2_when_the_unified_tree_offers_cpu():
    offered = {"/sys/fs/cgroup": "cpuset cpu io memory pids\n"}
    assert netlab.cpu_controller(MOUNTS_V2, lambda p: offered.get(p, "")) == (
        "v2",
        "/sys/fs/cgroup",
    )
    assert netlab.cpu_controller(MOUNTS_V2, lambda p: "cpuset io") is None


def test_quota_is_a_quarter_of_one_cpu_for_factor_four_weighed_as_eight_processes():
    assert netlab.quota_files("v1", 4, 10_000) == {
        "cpu.cfs_period_us": "10000",
        "cpu.cfs_quota_us": "2500",
        "cpu.shares": "8192",
    }
    assert netlab.quota_files("v2", 4, 10_000) == {"cpu.max": "2500 10000", "cpu.weight": "800"}
    assert netlab.quota_files("v2", 1, 10_000) == {"cpu.max": "10000 10000", "cpu.weight": "800"}
    assert netlab.quota_files("v1", 1, 10_000, tasks=2)["cpu.cfs_quota_us"] == "10000"
    assert netlab.quota_files("v1", 1, 10_000, tasks=2)["cpu.shares"] == "2048"


def test_wrapper_moves_itself_into_the_group_then_runs_the_browser():
    text = netlab.wrapper_script("/cg/x/cgroup.procs", "/usr/bin/chromium")
    lines = text.splitlines()
    assert lines[0] == "#!/bin/sh"
    assert lines[1] == "echo $$ > /cg/x/cgroup.procs"
    assert lines[2] == 'exec /usr/bin/chromium "$@"'


def test_padded_script_reaches_the_size_and_runs_only_the_code():
    code = "window.ran = 1;\n"
    source = "var a=function(b){return b+1};" * 10
    got = netlab.padded_script(code, [source], 20_000)
    assert got.startswith(code)
    size = len(gzip.compress(got.encode(), 9))
    assert 20_000 <= size < 21_000
    assert "function __heapPad0(){\n" + source in got
    # everything after the code is function declarations, never called
    assert "__heapPad0(" not in got.replace("function __heapPad0(", "")


def test_padded_script_skips_a_source_that_would_overshoot():
    rng = random.Random(1)
    big = "".join(chr(rng.randrange(48, 123)) for _ in range(20_000))  # ~15 KB gzip
    got = netlab.padded_script("ok;", [big], 5_000)
    assert "__heapPad0" not in got
    assert len(gzip.compress(got.encode(), 9)) >= 5_000


def test_median_and_ratio_skip_missing_values():
    assert netlab.median([3, None, 1, 2]) == 2
    assert netlab.median([None]) is None
    assert netlab.ratio(3, 2) == 1.5
    assert netlab.ratio(None, 2) is None
    assert netlab.ratio(3, 0) is None


def test_the_entry_script_is_found_by_its_name_content_addressed_or_not():
    import network

    from heap_device.tools.bundle import hashed_name

    entry = network.RESOURCES["entry"]
    assert entry("/default/heap-device.js")
    assert entry("/default/" + hashed_name("heap-device.js", b"x"))
    assert entry("/baseline/heap-baseline.js")
    assert not entry("/default/heap-device-runtime.js")
    assert not entry("/default/" + hashed_name("heap-device-runtime.js", b"x"))
