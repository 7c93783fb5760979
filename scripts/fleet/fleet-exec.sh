#!/usr/bin/env bash
# fleet-exec.sh HOST PROGRAM_FILE [MAX_SECONDS] - run a bpftrace program on a fleet host the way a
# harness should: -f json on stdout, diagnostics on stderr (ssh keeps them apart), a hard time limit
# on both sides, and a stdin watchdog so the remote bpftrace dies if this ssh client dies (without a
# pty, sshd does NOT signal the remote command; a silent bpftrace would run on forever).
# Exit status: bpftrace's own (1 = parse/semantic error, 255 = attach failure) - note ssh itself also
# uses 255 for connection failures: tell them apart by the presence of an "attached_probes" line / stderr.
#   BPFDECK_FLEET_DIR / LAB: lab dir of fleet-up.sh (default /var/tmp/bpfdeck-fleet)
set -u
[ $# -ge 2 ] || { echo "usage: $0 HOST PROGRAM_FILE [MAX_SECONDS]   (hosts: see \$LAB/fleet/hosts.txt)" >&2; exit 2; }
LAB=${BPFDECK_FLEET_DIR:-${LAB:-/var/tmp/bpfdeck-fleet}}; HOST=$1; PROG=$2; MAX=${3:-60}
[ -f "$LAB/fleet/ssh_config" ] || { echo "$0: the test fleet is not up: run scripts/fleet/fleet-up.sh (as root)" >&2; exit 2; }
sq() { printf "'%s'" "$(printf '%s' "$1" | sed "s/'/'\\\\''/g")"; }   # POSIX sh quoting (remote shell is dash)
# Remote side (dash): bpftrace under sudo, bounded by its own timeout (MAX+5 s, then SIGINT - timeout
# forwards it through sudo, bpftrace prints its maps - and SIGKILL 5 s later); a watcher turns EOF on the
# channel's stdin (this client closed it or died) into SIGINT. When bpftrace ends first (exit(), error,
# sudo refusal) the wrapper returns at once with bpftrace's status.
remote="exec 3<&0; timeout -s INT -k 5 $((MAX + 5)) sudo -n bpftrace -f json -e $(sq "$(cat "$PROG")") & p=\$!;"
remote="$remote (cat <&3 >/dev/null 2>&1; kill -INT \$p 2>/dev/null) >/dev/null 2>&1 & w=\$!; exec 3<&-;"
remote="$remote wait \$p; rc=\$?; kill \$w 2>/dev/null; exit \$rc"
# ssh's stdin stays open for MAX seconds, then EOF = stop bpftrace (a process substitution: we do not
# wait for the sleep when bpftrace ends earlier)
exec 3< <(sleep "$MAX"); sp=$!
ssh -F "$LAB/fleet/ssh_config" "$HOST" "$remote" <&3; rc=$?
exec 3<&-; kill "$sp" 2>/dev/null
exit "$rc"
