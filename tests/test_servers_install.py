"""e2e/servers/install.sh, with apt-get, dpkg-query and id played by small scripts: it installs
the four packages once, never lets their services start (policy-rc.d answers 101 while apt-get
runs, and a policy-rc.d it did not write is left alone), and does nothing without root."""

import os
import socket
import subprocess
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parent.parent / "e2e" / "servers" / "install.sh"
PACKAGES = ["nginx", "libnginx-mod-http-brotli-static", "caddy", "apache2"]
FAKE_APT = """#!/bin/sh
# What the packages' scripts would ask before starting a service, at the time apt-get runs.
if [ -x "$POLICY_RC_D" ]; then "$POLICY_RC_D" nginx start; echo "policy $?" >>"$LOG"
else echo "policy none" >>"$LOG"; fi
echo "apt-get $*" >>"$LOG"
if [ -n "$APT_FAILS_ONCE" ] && [ ! -e "$APT_FAILS_ONCE" ]; then
  touch "$APT_FAILS_ONCE"; exit 100
fi
"""


def run(tmp_path, uid=0, installed=False, policy=None, fails_once=False):
    bin_ = tmp_path / "bin"
    bin_.mkdir(parents=True)
    fakes = {
        "id": f"#!/bin/sh\necho {uid}\n",
        "dpkg-query": "#!/bin/sh\n" + ("printf 'install ok installed'\n" if installed else ""),
        "apt-get": FAKE_APT,
    }
    for name, text in fakes.items():
        (bin_ / name).write_text(text)
        (bin_ / name).chmod(0o755)
    path = tmp_path / "policy-rc.d"
    if policy is not None:
        path.write_text(policy)
        path.chmod(0o755)
    log = tmp_path / "log"
    log.touch()
    env = {
        "PATH": f"{bin_}:/usr/bin:/bin",
        "POLICY_RC_D": str(path),
        "LOG": str(log),
        "APT_FAILS_ONCE": str(tmp_path / "failed") if fails_once else "",
    }
    done = subprocess.run(["bash", str(SCRIPT)], capture_output=True, text=True, env=env)
    return done, log.read_text().splitlines(), path


def test_as_root_it_installs_the_packages_with_services_kept_from_starting(tmp_path):
    done, log, policy = run(tmp_path)
    assert done.returncode == 0, done.stderr
    assert log[0] == "policy 101"
    assert log[1].startswith("apt-get -qq -o DPkg::Lock::Timeout=600 install -y")
    assert log[1].endswith(" ".join(PACKAGES))
    assert not policy.exists()  # its own policy-rc.d is gone again
    assert done.stdout == "e2e/servers/install.sh: installed %s (services not started)\n" % (
        " ".join(PACKAGES)
    )


def test_a_policy_it_did_not_write_stays_as_it_was(tmp_path):
    mine = "#!/bin/sh\nexit 101\n# the container's\n"
    done, log, policy = run(tmp_path, policy=mine)
    assert done.returncode == 0 and log[0] == "policy 101"
    assert policy.read_text() == mine


def test_when_apt_get_fails_it_updates_the_lists_and_tries_again(tmp_path):
    done, log, policy = run(tmp_path, fails_once=True)
    assert done.returncode == 0, done.stderr
    verbs = [line.split()[4] for line in log if line.startswith("apt-get")]
    assert verbs == ["install", "update", "install"], log
    assert not policy.exists()


def test_installed_already_or_not_root_it_does_nothing(tmp_path):
    done, log, _ = run(tmp_path / "installed", installed=True)
    assert (done.returncode, done.stdout, log) == (0, "", [])
    done, log, _ = run(tmp_path / "user", uid=1000)
    assert done.returncode == 0 and log == []
    assert done.stdout.startswith("e2e/servers/install.sh: not root or no apt-get")


@pytest.mark.skipif(os.geteuid() != 0, reason="only root runs the real install")
def test_after_the_real_install_no_server_listens_on_80_or_443():
    done = subprocess.run(["bash", str(SCRIPT)], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    for port in (80, 443):
        with socket.socket() as s:
            assert s.connect_ex(("127.0.0.1", port)) != 0, f"something listens on :{port}"
