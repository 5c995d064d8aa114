#!/usr/bin/env bash
# Install the web servers e2e/test_servers.py runs the docs' configs on (Debian's nginx with the
# brotli_static module, Caddy, Apache), leaving none of them running: the tests start each one
# themselves, bound to 127.0.0.1. Idempotent; without root or apt-get it says so and does nothing
# (the tests then skip).
set -euo pipefail

packages=(nginx libnginx-mod-http-brotli-static caddy apache2)

if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null; then
  echo "e2e/servers/install.sh: not root or no apt-get: nginx, caddy, apache2 not installed (their tests skip)"
  exit 0
fi
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

# Keep the packages' maintainer scripts from starting their services (invoke-rc.d asks
# policy-rc.d; 101 = "not allowed"). A policy-rc.d already there (a container's) is left as it is.
policy=${POLICY_RC_D:-/usr/sbin/policy-rc.d}  # another path: tests/test_servers_install.py
own_policy=
if [ ! -e "$policy" ]; then
  printf '#!/bin/sh\nexit 101\n' >"$policy"
  chmod +x "$policy"
  own_policy=1
fi
trap 'if [ -n "$own_policy" ]; then rm -f "$policy"; fi' EXIT

export DEBIAN_FRONTEND=noninteractive
apt=(apt-get -qq -o DPkg::Lock::Timeout=600)  # another apt-get (a set-up beside us) may hold the lock
"${apt[@]}" install -y --no-install-recommends "${missing[@]}" >/dev/null 2>&1 || {
  "${apt[@]}" update
  "${apt[@]}" install -y --no-install-recommends "${missing[@]}" >/dev/null
}

# With systemd as init, policy-rc.d is not always asked: disable and stop the units too.
if [ -d /run/systemd/system ] && command -v systemctl >/dev/null; then
  systemctl disable --now nginx caddy apache2 >/dev/null 2>&1 || true
fi
echo "e2e/servers/install.sh: installed ${missing[*]} (services not started)"
