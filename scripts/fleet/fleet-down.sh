#!/usr/bin/env bash
# fleet-down.sh - tear down what fleet-up.sh created.
#   default        : stop the fleet sshds (by our pid files only, after checking they are sshd),
#                    remove hosts.json/hosts.txt (= "the fleet is not up" for tests), unmount the
#                    chroot bind mounts, delete users fleetNN and their /etc/sudoers.d/test-fleet-*
#                    rules (a user with running processes - e.g. a session still open - is kept,
#                    with a message). Keys (client key, host keys) and the chroot are kept, so a
#                    later fleet-up.sh is fast and known_hosts entries stay valid.
#   PURGE=1        : also delete $LAB/fleet (client key, host keys, known_hosts, homes, logs).
#   PURGE_CHROOT=1 : also delete the trixie chroot (only if nothing is mounted under it).
#   BPFDECK_FLEET_DIR / LAB: as for fleet-up.sh (default /var/tmp/bpfdeck-fleet).
set -uo pipefail
LAB=${BPFDECK_FLEET_DIR:-${LAB:-/var/tmp/bpfdeck-fleet}}
FLEET=$LAB/fleet
CHROOT=${CHROOT:-$LAB/trixie}
HOSTS=${HOSTS:-"11 12 13 14 15 31 32 33 34 35 36 37 38 39 40 41 42 43 44 45 46 47 48 49"}
CHROOT_HOSTS=${CHROOT_HOSTS:-"21"}
say() { printf 'fleet-down: %s\n' "$*"; }
now_ms() { local t=${EPOCHREALTIME//[.,]/}; echo $((t / 1000)); }
T0=$(now_ms)
[ "$(id -u)" = 0 ] || { echo "fleet-down: ERROR: must run as root" >&2; exit 1; }
[ -d "$LAB" ] || { say "nothing to do ($LAB does not exist)"; exit 0; }
exec 9>"$LAB/.fleet.lock"
flock -w 120 9 || { echo "fleet-down: ERROR: another fleet-up/fleet-down holds $LAB/.fleet.lock" >&2; exit 1; }

# tests: the fleet is no longer up
rm -f "$FLEET/hosts.json" "$FLEET/hosts.txt"

stop_pidfile() {  # only processes we started, identified by our own pid file
  local pf=$1 pid st
  [ -f "$pf" ] || return 0
  pid=$(cat "$pf" 2>/dev/null)
  if [[ "$pid" =~ ^[0-9]+$ ]] && kill -0 "$pid" 2>/dev/null && grep -q '^sshd' "/proc/$pid/comm" 2>/dev/null; then
    kill "$pid" && say "stopped sshd $pid ($pf)"
    for _ in $(seq 1 60); do   # until gone or a zombie (PID 1 here reaps lazily)
      st=$(awk '{print $3}' "/proc/$pid/stat" 2>/dev/null) || break
      { [ -z "$st" ] || [ "$st" = Z ]; } && break; sleep 0.05
    done
  fi
  rm -f "$pf"
}
for n in $HOSTS; do stop_pidfile "$FLEET/h$n/sshd.pid"; done
for n in $CHROOT_HOSTS; do stop_pidfile "$CHROOT/etc/ssh/fleet-h$n/sshd.pid"; done
# the bastion's network namespaces (fleet45, fleet49): deleting them removes their veths and addresses
for ns in bpfdeck-fleet-dmz bpfdeck-fleet-inner; do
  [ -e "/run/netns/$ns" ] && ip netns del "$ns" && say "deleted network namespace $ns"
done
ip link del bpfd-dmz0 2>/dev/null || true

deluser() {  # ROOT USER [-r]
  local root=$1 user=$2; shift 2
  local run=(); [ "$root" = / ] || run=(chroot "$root")
  "${run[@]}" getent passwd "$user" >/dev/null 2>&1 || return 0
  local out
  if out=$("${run[@]}" userdel "$@" "$user" 2>&1); then say "deleted user $user${run:+ (chroot)}"
  else say "kept user $user: ${out//$'\n'/ }"; fi
}
for n in $HOSTS; do
  deluser / "fleet$n"                 # home is under $FLEET/home: kept unless PURGE=1
  rm -f "/etc/sudoers.d/test-fleet-fleet$n"
done
if [ -d "$CHROOT/etc" ]; then
  for n in $CHROOT_HOSTS; do
    deluser "$CHROOT" "fleet$n" -r
    rm -f "$CHROOT/etc/sudoers.d/test-fleet-fleet$n"
  done
fi

# unmount everything under the chroot, deepest first (this includes e.g. the tracefs that the
# kernel automounts at sys/kernel/debug/tracing inside the debugfs bind)
if [ -d "$CHROOT" ]; then
  findmnt -rn -o TARGET | grep "^$CHROOT/" | sort -r | while read -r m; do
    umount "$m" 2>/dev/null || umount -l "$m"
  done
  if findmnt -rn -o TARGET | grep -q "^$CHROOT/"; then
    say "WARNING: still mounted under $CHROOT:"; findmnt -rn -o TARGET | grep "^$CHROOT/"
  else
    say "chroot mounts: none left under $CHROOT"
  fi
fi

if [ "${PURGE:-0}" = 1 ]; then rm -rf "$FLEET"; say "purged $FLEET"; fi
if [ "${PURGE_CHROOT:-0}" = 1 ]; then
  if findmnt -rn -o TARGET | grep -q "^$CHROOT/"; then say "NOT purging $CHROOT: mounts remain"
  else rm -rf "$CHROOT"; say "purged $CHROOT"; fi
fi
printf 'fleet-down: %.3f s\n' "$(( $(now_ms) - T0 ))e-3"
