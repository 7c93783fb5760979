#!/usr/bin/env bash
# system-deps.sh - install/prepare what bpfdeck's start and its tests need on a Debian 12 machine.
# Idempotent; run as root. Prints what it did (and what it found already in place).
#
#   packages : bpftrace openssh-server openssh-client sudo chromium debootstrap bc iproute2 procps
#              iptables fonts-dejavu-core ca-certificates (+ util-linux for unshare/flock/findmnt)
#              gcc g++ make python3 libc6-dev (test workloads in C; node-gyp for better-sqlite3)
#              postgresql (15; scripts/pg-test-up.sh runs a private server for the tests; the package's
#              own cluster is not started: see policy-rc.d below), npm (only if there is no npm yet)
#   mounts   : tracefs on /sys/kernel/tracing, debugfs on /sys/kernel/debug (bpftrace needs them)
#   apt      : `apt-get update` runs at most once per call, and only when a package is missing and
#              the package lists are absent/stale (or an install without it failed).
#
# The system sshd (decision):
#   The test fleet (scripts/fleet/fleet-up.sh) runs one sshd per loopback address (127.0.0.11:22 ...).
#   A system sshd listening on 0.0.0.0:22 / [::]:22 makes those binds fail with EADDRINUSE (Linux
#   refuses a specific-address bind next to a listening wildcard socket on the same port).
#   - If WE install openssh-server now, nothing may start it: the install runs under a temporary
#     /usr/sbin/policy-rc.d that answers 101 ("action forbidden") - honoured by invoke-rc.d (sysvinit,
#     containers, CI without systemd) and by deb-systemd-invoke. On a systemd machine we also
#     disable ssh.service/ssh.socket, so it does not come up at the next boot either (nobody relied on
#     it: the package was not installed before).
#   - If a system sshd was ALREADY running on a wildcard :22, we do NOT stop it: it may be how people
#     reach this machine. fleet-up.sh detects the wildcard listener and moves the whole fleet to port
#     2222 (PORT=... to choose); the port is written to hosts.json / ssh_config, tests read it there.
set -euo pipefail

say() { printf 'system-deps: %s\n' "$*"; }
die() { printf 'system-deps: ERROR: %s\n' "$*" >&2; exit 1; }

[ "$(id -u)" = 0 ] || die "must run as root (try: sudo $0)"
debian_like=0
if [ -r /etc/os-release ]; then
  # shellcheck disable=SC1091
  . /etc/os-release
  case " ${ID:-} ${ID_LIKE:-} " in *" debian "*|*" ubuntu "*) debian_like=1;; esac
fi
[ -f /etc/debian_version ] && debian_like=1
{ [ "$debian_like" = 1 ] && command -v apt-get >/dev/null && command -v dpkg-query >/dev/null; } ||
  die "not a Debian-like system (no /etc/debian_version / apt-get): install the packages listed at the top of $0 by hand"
[ "${ID:-}" = debian ] && [ "${VERSION_ID:-}" != 12 ] && say "note: tested on Debian 12, this is ${PRETTY_NAME:-Debian ${VERSION_ID:-?}}"

PKGS=(bpftrace openssh-server openssh-client sudo chromium debootstrap bc iproute2 procps iptables
      fonts-dejavu-core ca-certificates util-linux
      gcc g++ make python3 libc6-dev   # a C workload for profile tests; node-gyp builds better-sqlite3
      postgresql                       # PostgreSQL 15: the scaled form's database; tests run a private server
      pssh)                            # parallel-ssh: the baseline of the P4 fan-out benchmark (tests/bench/p4-fanout.ts)
# npm only to bootstrap: scripts/node/ensure-node.sh fetches the pinned Node LTS with it (any version)
command -v npm >/dev/null || PKGS+=(npm)

installed() { [ "$(dpkg-query -W -f '${Status}' "$1" 2>/dev/null)" = "install ok installed" ]; }

missing=()
for p in "${PKGS[@]}"; do installed "$p" || missing+=("$p"); done
ssh_server_was_installed=0; installed openssh-server && ssh_server_was_installed=1

updated=0
apt_update() {
  [ "$updated" = 1 ] && return 0
  say "apt-get update"
  apt-get update -q >/dev/null
  updated=1
}
lists_fresh() {  # package lists present and younger than 6 h
  compgen -G '/var/lib/apt/lists/*_Packages*' >/dev/null || return 1
  [ -z "$(find /var/lib/apt/lists -maxdepth 1 -name '*_Packages*' -mmin +360 -print -quit)" ]
}

if ((${#missing[@]})); then
  say "installing: ${missing[*]}"
  # forbid service starts during the install (see the sshd decision above); never touch an existing policy
  own_policy=0
  if [ ! -e /usr/sbin/policy-rc.d ]; then
    printf '#!/bin/sh\n# temporary, from bpfdeck scripts/system-deps.sh\nexit 101\n' > /usr/sbin/policy-rc.d
    chmod 755 /usr/sbin/policy-rc.d; own_policy=1
  fi
  trap '[ "$own_policy" = 1 ] && rm -f /usr/sbin/policy-rc.d' EXIT
  lists_fresh || apt_update
  inst() { DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}" >/tmp/system-deps-apt.log 2>&1; }
  if ! inst; then
    [ "$updated" = 1 ] && { tail -20 /tmp/system-deps-apt.log >&2; die "apt-get install failed (log: /tmp/system-deps-apt.log)"; }
    apt_update
    inst || { tail -20 /tmp/system-deps-apt.log >&2; die "apt-get install failed (log: /tmp/system-deps-apt.log)"; }
  fi
  [ "$own_policy" = 1 ] && rm -f /usr/sbin/policy-rc.d; own_policy=0
  say "installed ${#missing[@]} package(s)"
else
  say "packages: all ${#PKGS[@]} present (no apt run)"
fi

# --- system sshd -------------------------------------------------------------------------------
if [ "$ssh_server_was_installed" = 0 ] && [ -d /run/systemd/system ] && command -v systemctl >/dev/null; then
  say "systemd: disabling the freshly installed system sshd (ssh.service, ssh.socket)"
  systemctl disable --now ssh.service ssh.socket >/dev/null 2>&1 || true
fi
wild=$(ss -Hltn 2>/dev/null | awk '$4 ~ /^(0\.0\.0\.0|\*|\[::\]):22$/ {print $4}' | sort -u | tr '\n' ' ')
if [ -n "$wild" ]; then
  say "WARNING: something listens on ${wild}(all addresses, port 22) - left running on purpose;"
  say "         fleet-up.sh will put the fleet on port 2222 instead (override with PORT=...)"
else
  say "port 22: no wildcard listener (fleet sshds can use 127.0.0.x:22)"
fi
mkdir -p /run/sshd && chmod 755 /run/sshd   # sshd's privilege-separation directory (no systemd-tmpfiles here)

# --- tracefs / debugfs --------------------------------------------------------------------------
mnt() {  # TYPE DIR
  if mountpoint -q "$2"; then say "$2: already mounted"
  elif mount -t "$1" "$1" "$2" 2>/dev/null; then say "$2: mounted $1"
  else say "WARNING: could not mount $1 on $2 (no privilege in this container?) - bpftrace tracepoints will fail"
  fi
}
mnt tracefs /sys/kernel/tracing
mnt debugfs /sys/kernel/debug

# --- summary ------------------------------------------------------------------------------------
say "bpftrace: $(bpftrace --version 2>&1 | head -1)   sshd: $(dpkg-query -W -f '${Version}' openssh-server)   chromium: $(dpkg-query -W -f '${Version}' chromium)"
say "done"
