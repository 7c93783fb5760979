#!/usr/bin/env bash
# trixie-build.sh - build the "second bpftrace version" host root: a Debian trixie minbase chroot
# with bpftrace (0.23) + openssh-server + sudo + procps. fleet-up.sh bind-mounts /proc, /sys,
# /sys/kernel/{tracing,debug}, /dev, /dev/pts into it and runs fleet21's sshd inside it.
#
# Idempotent: a complete chroot is reused as is (< 0.1 s). A chroot whose debootstrap was
# interrupted (debootstrap deletes $CHROOT/debootstrap only on success) is deleted and rebuilt.
# Missing packages are installed into an existing chroot. First build: ~30-35 s, ~530 MB, needs
# the Debian mirror (the one the host's apt uses; MIRROR=... to override).
#
#   LAB     default /var/tmp/bpfdeck-fleet (env BPFDECK_FLEET_DIR wins over LAB)
#   CHROOT  default $LAB/$SUITE        SUITE default trixie
set -euo pipefail
LAB=${BPFDECK_FLEET_DIR:-${LAB:-/var/tmp/bpfdeck-fleet}}
SUITE=${SUITE:-trixie}
CHROOT=${CHROOT:-$LAB/$SUITE}
PKGS=${PKGS:-"bpftrace openssh-server sudo procps"}
say() { printf 'trixie-build: %s\n' "$*"; }
die() { printf 'trixie-build: ERROR: %s\n' "$*" >&2; exit 1; }
[ "$(id -u)" = 0 ] || die "must run as root"
mkdir -p "$LAB/timings"
T=$LAB/timings/$SUITE-build.txt
now_ms() { local t=${EPOCHREALTIME//[.,]/}; echo $((t / 1000)); }
step() { local n=$1; shift; local s; s=$(now_ms); "$@"; printf '%-40s %7.3f s\n' "$n" "$(( $(now_ms) - s ))e-3" | tee -a "$T"; }

# The Debian archive the machine's own apt uses (a local mirror or proxy included): the first URI of a
# deb822 *.sources file or of a one-line "deb [options] URI suite ..." entry, skipping security and
# backports archives (their layout differs). MIRROR=... overrides.
mirror() {
  local m=${MIRROR:-} f
  if [ -z "$m" ]; then
    for f in /etc/apt/sources.list.d/*.sources; do
      [ -r "$f" ] || continue
      m=$(awk 'tolower($1)=="uris:"{for(i=2;i<=NF;i++) if ($i !~ /security|backports/) {print $i; exit}}' "$f")
      [ -n "$m" ] && break
    done
  fi
  if [ -z "$m" ]; then
    for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
      [ -r "$f" ] || continue
      m=$(awk '$1=="deb"{i=2; if ($2 ~ /^\[/) {while (i<=NF && $i !~ /\]$/) i++; i++} if ($i !~ /security|backports/) {print $i; exit}}' "$f")
      [ -n "$m" ] && break
    done
  fi
  [ -n "$m" ] || die "no Debian mirror found in apt's sources (/etc/apt/sources.list, sources.list.d/*.list|*.sources): set MIRROR=http://deb.debian.org/debian"
  echo "${m%/}"
}
mounted_under() { findmnt -rn -o TARGET | grep -q "^$CHROOT\(/\|$\)"; }
pkgs_missing() {
  local p miss=()
  for p in $PKGS; do
    [ "$(chroot "$CHROOT" dpkg-query -W -f '${Status}' "$p" 2>/dev/null)" = "install ok installed" ] || miss+=("$p")
  done
  echo "${miss[*]}"
}

do_debootstrap() {
  if [ -d "$CHROOT/debootstrap" ]; then
    # an interrupted debootstrap: start over (refuse if anything is mounted in there)
    mounted_under && die "$CHROOT is an incomplete debootstrap but has mounts under it: run fleet-down.sh first"
    say "incomplete debootstrap in $CHROOT: deleting it"
    rm -rf "$CHROOT"
  fi
  if [ -x "$CHROOT/usr/bin/apt-get" ]; then say "debootstrap: $CHROOT exists, reused"; return; fi
  command -v debootstrap >/dev/null || die "debootstrap is missing: run scripts/system-deps.sh"
  local m; m=$(mirror)
  say "debootstrap --variant=minbase $SUITE $CHROOT $m (log: $LAB/debootstrap-$SUITE.log)"
  debootstrap --variant=minbase "$SUITE" "$CHROOT" "$m" > "$LAB/debootstrap-$SUITE.log" 2>&1 ||
    { tail -15 "$LAB/debootstrap-$SUITE.log" >&2; die "debootstrap failed"; }
}
no_services() {
  # never let maintainer scripts start daemons (the chroot's sshd would grab 0.0.0.0:22)
  printf '#!/bin/sh\nexit 101\n' > "$CHROOT/usr/sbin/policy-rc.d"; chmod 755 "$CHROOT/usr/sbin/policy-rc.d"
}
apt_install() {
  local miss; miss=$(pkgs_missing)
  if [ -z "$miss" ]; then say "packages present: $PKGS"; return; fi
  say "installing into the chroot: $miss (log: $LAB/apt-$SUITE.log)"
  # /proc may already be bind-mounted by fleet-up.sh: only unmount what we mounted here
  local own_proc=0
  if ! mountpoint -q "$CHROOT/proc"; then mount -t proc proc "$CHROOT/proc"; own_proc=1; fi
  local rc=0
  { chroot "$CHROOT" apt-get update -q &&
    chroot "$CHROOT" env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends $miss &&
    chroot "$CHROOT" apt-get clean; } >> "$LAB/apt-$SUITE.log" 2>&1 || rc=$?
  [ "$own_proc" = 1 ] && umount "$CHROOT/proc"
  [ "$rc" = 0 ] || { tail -15 "$LAB/apt-$SUITE.log" >&2; die "apt-get in the chroot failed"; }
}

: > "$T"
step "debootstrap --variant=minbase $SUITE" do_debootstrap
step "policy-rc.d" no_services
step "apt-get install (missing of: $PKGS)" apt_install
# sudo inside the chroot must resolve the (shared) hostname
cp /etc/hosts "$CHROOT/etc/hosts"
say "bpftrace: $(chroot "$CHROOT" bpftrace --version)  sshd: $(chroot "$CHROOT" dpkg-query -W -f '${Version}' openssh-server)  disk: $(du -shx "$CHROOT" 2>/dev/null | cut -f1)" | tee -a "$T"
