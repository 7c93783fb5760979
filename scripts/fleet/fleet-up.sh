#!/usr/bin/env bash
# fleet-up.sh - bring up bpfdeck's loopback test fleet: one real OpenSSH sshd per loopback address.
#
#   host     address        system                     bpftrace  role
#   fleet11  127.0.0.11:22  this machine (Debian 12)   0.17      ok
#   fleet12  127.0.0.12:22  this machine               0.17      ok
#   fleet13  127.0.0.13:22  this machine               0.17      ok
#   fleet14  127.0.0.14:22  this machine               0.17      no-sudo      (user has NO sudo rule at all)
#   fleet15  127.0.0.15:22  this machine, sshd in a    (hidden)  no-bpftrace  (sudo rule present, but the
#                           private mount namespace                            binary is masked by a bind mount)
#   fleet21  127.0.0.21:22  Debian 13 chroot $CHROOT   0.23      ok           (built by trixie-build.sh if missing)
#   fleet31-44 127.0.0.31-44 this machine              0.17      ok           cheap hosts: one sshd each
#   fleet45  10.249.8.2:22  sshd in netns $NS_DMZ      -         no-sudo      kind bastion: TCP forwarding only,
#                                                                              to fleet49 only (PermitOpen), no shell
#   fleet46  127.0.0.46:22  this machine               -         no-sudo      kind bastion-noforward (AllowTcpForwarding no)
#   fleet47  127.0.0.47:22  this machine               0.17      ok           kind encrypted-key: only passphrase-protected
#                                                                              keys (client/id_ed25519_enc, client/id_rsa_pem_enc)
#   fleet48  127.0.0.48:22  this machine               0.17      ok           kind agent: only client/id_ed25519_agent
#                                                                              (tests load it into an ssh-agent they start)
#   fleet49  10.249.7.2:22  sshd in netns $NS_INNER    0.17      ok           kind behind-bastion: reachable only via fleet45
#   fleet50-81 127.0.0.50-81 this machine              0.17      ok           cheap hosts like fleet31-44 (50 plain hosts
#                                                                              with bpftrace in all: the P4 benchmark)
#
# Networks for the bastion (no change to the root namespace besides one veth end): root 10.249.8.1 <veth>
# 10.249.8.2 in $NS_DMZ (fleet45), and $NS_DMZ 10.249.7.1 <veth> 10.249.7.2 in $NS_INNER (fleet49). The root
# namespace has no route to 10.249.7.0/30 and $NS_INNER none back to 10.249.8.0/30 (and no forwarding in
# $NS_DMZ), so fleet49 answers only connections opened from inside $NS_DMZ: the bastion's forwarding.
# Namespace sshds are started with `nsenter --net` only (same mounts: tracefs, bpftrace, /run/sshd).
#
# Each host: its own ed25519 host key, key-only login (no password/kbd-interactive, no root, no
# forwarding), its own user fleetNN (fixed uid 200NN, AllowUsers) whose only sudo right is
#       fleetNN ALL=(root) NOPASSWD: /usr/bin/bpftrace      + Defaults:fleetNN env_keep += "BPFTRACE_*"
# One client key for all: $LAB/fleet/client/id_ed25519.
#
# Writes under $LAB/fleet: hosts.json (for tests; see tests/integration/fleet.ts), ssh_config,
# known_hosts, hosts.txt, hNN/ (host keys, sshd_config, sshd.log, sshd.pid), home/, timings.txt.
#
# Usage (as root):  scripts/fleet/fleet-up.sh            idempotent: re-run = restart sshds, keep keys
#   BPFDECK_FLEET_DIR / LAB   lab dir (default /var/tmp/bpfdeck-fleet; BPFDECK_FLEET_DIR wins)
#   VERIFY=1                  run the end-to-end checks (positive bpftrace run on "ok" hosts,
#                             negative checks on fleet14/fleet15) - default 0
#   FLEET_NO_CHROOT=1         no fleet21 (and never build the chroot)
#   PORT=N                    sshd port (default 22; 2222 automatically if a wildcard :22 listener exists)
#   ssh -F /var/tmp/bpfdeck-fleet/fleet/ssh_config fleet11 sudo -n bpftrace -e "'BEGIN { exit(); }'"
#
# Pitfalls handled here (see also /work/shared/test-fleet/README.md):
#  - fixed uids 200NN: the chroot has its own passwd, its first user got uid 1000 = a host user's uid;
#    all hosts share one kernel, so "whose process is this" needs distinct numeric uids.
#  - chroot bind mounts are made private one by one right after each bind (a shared /sys would
#    otherwise propagate the nested tracing/debug binds back to the host).
#  - no systemd/syslog: sshd logs with -E to hNN/sshd.log; /run/sshd is created.
#  - ssh_config/known_hosts/hosts.json are replaced atomically (tmp + mv): other users read them
#    while this script runs.
#  - only processes we started are stopped: by our pid files, after checking they are sshd.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
LAB=${BPFDECK_FLEET_DIR:-${LAB:-/var/tmp/bpfdeck-fleet}}
FLEET=$LAB/fleet
CHROOT=${CHROOT:-$LAB/trixie}
# fleet50-81: more cheap hosts like fleet31-44, so that 50 plain hosts can run bpftrace (P4 fan-out benchmark)
BENCH_HOSTS=$(seq -s ' ' 50 81)
HOSTS=${HOSTS:-"11 12 13 14 15 31 32 33 34 35 36 37 38 39 40 41 42 43 44 45 46 47 48 49 $BENCH_HOSTS"}  # on this machine (N = fleetN)
NS_DMZ=bpfdeck-fleet-dmz               # network namespace of the bastion fleet45
NS_INNER=bpfdeck-fleet-inner           # network namespace of fleet49 (reachable only through fleet45)
# FLEET_ONLY="31 32": touch (user, sshd_config, start) only these hosts; the client files list all hosts.
# Without it every host is set up, but a running sshd is restarted only when its sshd_config changed
# (or FLEET_RESTART=1): other users' sessions on the hosts that did not change are left alone.
FLEET_ONLY=${FLEET_ONLY:-}
FLEET_RESTART=${FLEET_RESTART:-0}
NOSUDO_HOSTS=${NOSUDO_HOSTS:-"14 45 46"}     # role no-sudo: user without any sudo rule
NOBPF_HOSTS=${NOBPF_HOSTS:-"15"}       # role no-bpftrace: sshd in a mount namespace that hides bpftrace
CHROOT_HOSTS=${CHROOT_HOSTS:-"21"}     # inside the trixie chroot
VERIFY=${VERIFY:-0}
UID_BASE=20000
[ "${FLEET_NO_CHROOT:-0}" = 1 ] && CHROOT_HOSTS=""

say() { printf 'fleet-up: %s\n' "$*"; }
die() { printf 'fleet-up: ERROR: %s\n' "$*" >&2; exit 1; }
now_ms() { local t=${EPOCHREALTIME//[.,]/}; echo $((t / 1000)); }
T0=$(now_ms)

# ---- preflight ---------------------------------------------------------------------------------
[ "$(id -u)" = 0 ] || die "must run as root (it creates users, sudoers rules, mounts and sshds)"
for c in /usr/sbin/sshd ssh ssh-keygen sudo visudo useradd unshare flock findmnt ss timeout; do
  command -v "$c" >/dev/null || die "'$c' is missing: run scripts/system-deps.sh (as root) first"
done
[ -x /usr/bin/bpftrace ] || die "/usr/bin/bpftrace is missing: run scripts/system-deps.sh (as root) first"

mkdir -p "$FLEET"
exec 9>"$LAB/.fleet.lock"
flock -w 120 9 || die "another fleet-up/fleet-down holds $LAB/.fleet.lock"
TIMINGS=$FLEET/timings.txt
: > "$TIMINGS.tmp"
step() {  # step "name" cmd... : run, record elapsed time
  local name=$1; shift; local s; s=$(now_ms)
  "$@"
  printf '%-40s %7.3f s\n' "$name" "$(( $(now_ms) - s ))e-3" >> "$TIMINGS.tmp"
}

if [ -z "${PORT:-}" ]; then
  PORT=22
  wild=$(ss -Hltnp 2>/dev/null | awk '$4 ~ /^(0\.0\.0\.0|\*|\[::\]):22$/' | head -1)
  if [ -n "$wild" ]; then
    PORT=2222
    say "a wildcard listener holds port 22 ($wild): the fleet uses port $PORT"
  fi
fi

# ---- per-host layout ---------------------------------------------------------------------------
declare -A ROOT DIR HOMEDIR SYS ROLE KIND ADDR NSOF
kind_of() {
  case "$1" in 45) echo bastion;; 46) echo bastion-noforward;; 47) echo encrypted-key;; 48) echo agent;;
    49) echo behind-bastion;; *) echo plain;; esac
}
role_of() {
  if [[ " $NOSUDO_HOSTS " == *" $1 "* ]]; then echo no-sudo
  elif [[ " $NOBPF_HOSTS " == *" $1 "* ]]; then echo no-bpftrace
  else echo ok; fi
}
for n in $HOSTS; do
  ROOT[$n]=/; DIR[$n]=$FLEET/h$n; HOMEDIR[$n]=$FLEET/home/fleet$n; SYS[$n]=bookworm; ROLE[$n]=$(role_of "$n")
done
for n in $HOSTS $CHROOT_HOSTS; do
  KIND[$n]=$(kind_of "$n"); ADDR[$n]=127.0.0.$n; NSOF[$n]=""
  case "${KIND[$n]}" in bastion) ADDR[$n]=10.249.8.2; NSOF[$n]=$NS_DMZ;; behind-bastion) ADDR[$n]=10.249.7.2; NSOF[$n]=$NS_INNER;; esac
done
touched() { [ -z "$FLEET_ONLY" ] || [[ " $FLEET_ONLY " == *" $1 "* ]]; }
NX() {  # NX N cmd... : run cmd in host N's network namespace (only the network: mounts stay the machine's)
  local n=$1; shift
  if [ -n "${NSOF[$n]}" ]; then nsenter --net="/run/netns/${NSOF[$n]}" "$@"; else "$@"; fi
}
for n in $CHROOT_HOSTS; do
  ROOT[$n]=$CHROOT; DIR[$n]=/etc/ssh/fleet-h$n; HOMEDIR[$n]=/home/fleet$n; SYS[$n]=trixie; ROLE[$n]=ok
done
ALL="$HOSTS $CHROOT_HOSTS"
hroot() { [ "${ROOT[$1]}" = / ] && echo "" || echo "${ROOT[$1]}"; }     # prefix for host-side paths
R() {  # R N cmd... : run cmd inside host N's root
  local n=$1; shift
  if [ "${ROOT[$n]}" = / ]; then "$@"; else chroot "${ROOT[$n]}" "$@"; fi
}

# ---- steps -------------------------------------------------------------------------------------
mount_tracing() {
  mountpoint -q /sys/kernel/tracing || mount -t tracefs tracefs /sys/kernel/tracing
  mountpoint -q /sys/kernel/debug   || mount -t debugfs debugfs /sys/kernel/debug
  mkdir -p /run/sshd; chmod 755 /run/sshd
}

client_key() {
  install -d -m 700 "$FLEET/client"
  [ -f "$FLEET/client/id_ed25519" ] || ssh-keygen -q -t ed25519 -N '' -C bpfdeck-fleet-client -f "$FLEET/client/id_ed25519"
  # fleet47: passphrase-protected keys, OpenSSH format (ed25519) and PEM (RSA); the passphrases beside them
  local c=$FLEET/client
  if [ ! -f "$c/id_ed25519_enc" ]; then
    head -c 18 /dev/urandom | base64 | tr -d '/+=' > "$c/id_ed25519_enc.passphrase"
    ssh-keygen -q -t ed25519 -N "$(cat "$c/id_ed25519_enc.passphrase")" -C bpfdeck-fleet-encrypted -f "$c/id_ed25519_enc"
  fi
  if [ ! -f "$c/id_rsa_pem_enc" ]; then
    head -c 18 /dev/urandom | base64 | tr -d '/+=' > "$c/id_rsa_pem_enc.passphrase"
    ssh-keygen -q -t rsa -b 2048 -m PEM -N "$(cat "$c/id_rsa_pem_enc.passphrase")" -C bpfdeck-fleet-pem -f "$c/id_rsa_pem_enc"
  fi
  # fleet48: the key a test loads into its own ssh-agent
  [ -f "$c/id_ed25519_agent" ] || ssh-keygen -q -t ed25519 -N '' -C bpfdeck-fleet-agent -f "$c/id_ed25519_agent"
  chmod 600 "$c"/id_* "$c"/*.passphrase
}

netns_up() {  # the bastion's two namespaces and veth pairs (idempotent)
  command -v ip >/dev/null && command -v nsenter >/dev/null || die "'ip' and 'nsenter' are needed for the bastion hosts"
  local ns
  for ns in $NS_DMZ $NS_INNER; do
    [ -e "/run/netns/$ns" ] || ip netns add "$ns"
    ip -n "$ns" link set lo up
  done
  if ! ip link show bpfd-dmz0 >/dev/null 2>&1; then
    ip link add bpfd-dmz0 type veth peer name bpfd-dmz1 netns "$NS_DMZ"
  fi
  ip addr replace 10.249.8.1/30 dev bpfd-dmz0; ip link set bpfd-dmz0 up
  ip -n "$NS_DMZ" addr replace 10.249.8.2/30 dev bpfd-dmz1; ip -n "$NS_DMZ" link set bpfd-dmz1 up
  if ! ip -n "$NS_DMZ" link show bpfd-in0 >/dev/null 2>&1; then
    ip -n "$NS_DMZ" link add bpfd-in0 type veth peer name bpfd-in1 netns "$NS_INNER"
  fi
  ip -n "$NS_DMZ" addr replace 10.249.7.1/30 dev bpfd-in0; ip -n "$NS_DMZ" link set bpfd-in0 up
  ip -n "$NS_INNER" addr replace 10.249.7.2/30 dev bpfd-in1; ip -n "$NS_INNER" link set bpfd-in1 up
  ip netns exec "$NS_DMZ" sysctl -qw net.ipv4.ip_forward=0
}

chroot_usable() {
  [ ! -d "$CHROOT/debootstrap" ] && [ -x "$CHROOT/usr/bin/bpftrace" ] && [ -x "$CHROOT/usr/sbin/sshd" ] &&
    [ -x "$CHROOT/usr/bin/sudo" ] && [ -x "$CHROOT/usr/bin/ps" ]
}
chroot_build() {
  if chroot_usable; then return 0; fi
  say "chroot $CHROOT missing or incomplete: building it (trixie-build.sh, ~35 s, needs the Debian mirror)"
  BPFDECK_FLEET_DIR=$LAB CHROOT=$CHROOT "$HERE/trixie-build.sh"
  chroot_usable || die "trixie-build.sh did not produce a usable chroot at $CHROOT"
}
chroot_mounts() {
  local c=$CHROOT m
  # sudo inside the chroot must resolve the (shared) hostname
  grep -qw "$(hostname)" "$c/etc/hosts" 2>/dev/null || cp /etc/hosts "$c/etc/hosts"
  for m in proc sys sys/kernel/tracing sys/kernel/debug dev dev/pts; do
    mkdir -p "$c/$m"
    if ! mountpoint -q "$c/$m"; then
      mount --bind "/$m" "$c/$m"
      mount --make-private "$c/$m"     # at once, before the next nested bind
    fi
  done
  mkdir -p "$c/run/sshd"; chmod 755 "$c/run/sshd"
}

make_user() {  # N
  local n=$1 user=fleet$1 uid=$((UID_BASE + $1)) home=${HOMEDIR[$1]} hr; hr=$(hroot "$1")
  local out cur
  if ! R "$n" getent passwd "$user" >/dev/null; then
    mkdir -p "$hr$(dirname "$home")"
    R "$n" getent group "$user" >/dev/null || {
      if R "$n" getent group "$uid" >/dev/null; then R "$n" groupadd "$user"; else R "$n" groupadd -g "$uid" "$user"; fi; }
    local uopt=(); R "$n" getent passwd "$uid" >/dev/null || uopt=(--uid "$uid")
    out=$(R "$n" useradd "${uopt[@]}" --gid "$user" --create-home --home-dir "$home" --shell /bin/sh "$user" 2>&1) ||
      { echo "$out" >&2; die "useradd $user failed"; }
  else
    cur=$(R "$n" id -u "$user")
    if [ "$cur" != "$uid" ] && ! R "$n" getent passwd "$uid" >/dev/null; then
      if R "$n" usermod -u "$uid" "$user" 2>/dev/null; then say "$user: uid $cur -> $uid"
      else say "$user: kept uid $cur (user has running processes; re-run later to get uid $uid)"; fi
    fi
  fi
  # '*' = no usable password, but not "locked" ('!' would make sshd refuse key logins too)
  [ "$(R "$n" getent shadow "$user" | cut -d: -f2)" = '*' ] || R "$n" usermod -p '*' "$user"
  local u g; u=$(R "$n" id -u "$user"); g=$(R "$n" id -g "$user")
  # the home survives fleet-down (keys are kept): re-own it, StrictModes rejects foreign ownership
  chown "$u:$g" "$hr$home"; chmod 755 "$hr$home"
  find "$hr$home" -xdev \( ! -uid "$u" -o ! -gid "$g" \) -exec chown -h "$u:$g" {} + 2>/dev/null || true
  install -d -m 700 -o "$u" -g "$g" "$hr$home/.ssh"
  case "${KIND[$n]}" in
    encrypted-key) cat "$FLEET/client/id_ed25519_enc.pub" "$FLEET/client/id_rsa_pem_enc.pub" > "$hr$home/.ssh/authorized_keys.tmp";;
    agent) cat "$FLEET/client/id_ed25519_agent.pub" > "$hr$home/.ssh/authorized_keys.tmp";;
    *) cat "$FLEET/client/id_ed25519.pub" > "$hr$home/.ssh/authorized_keys.tmp";;
  esac
  chown "$u:$g" "$hr$home/.ssh/authorized_keys.tmp"; chmod 600 "$hr$home/.ssh/authorized_keys.tmp"
  mv "$hr$home/.ssh/authorized_keys.tmp" "$hr$home/.ssh/authorized_keys"
  local sf="$hr/etc/sudoers.d/test-fleet-$user"
  if [ "${ROLE[$n]}" = no-sudo ]; then rm -f "$sf"; return 0; fi
  local want
  want=$(printf '# bpfdeck test fleet: %s may run only bpftrace as root, without password\nDefaults:%s env_keep += "BPFTRACE_*"\n%s ALL=(root) NOPASSWD: /usr/bin/bpftrace' "$user" "$user" "$user")
  if [ "$(cat "$sf" 2>/dev/null)" != "$want" ]; then
    printf '%s\n' "$want" > "$sf.tmp"; chmod 440 "$sf.tmp"
    R "$n" visudo -cq -f "/etc/sudoers.d/test-fleet-$user.tmp" || { rm -f "$sf.tmp"; die "visudo rejected $sf"; }
    mv "$sf.tmp" "$sf"
  fi
}

write_sshd() {  # N : host key (kept if present) + sshd_config, validated with sshd -t
  local n=$1 dir=${DIR[$1]} hr; hr=$(hroot "$1")
  mkdir -p "$hr$dir"
  [ -f "$hr$dir/ssh_host_ed25519_key" ] ||
    ssh-keygen -q -t ed25519 -N '' -C "fleet$n-host" -f "$hr$dir/ssh_host_ed25519_key"
  cat > "$hr$dir/sshd_config.tmp" <<EOF
# bpfdeck test fleet: fleet$n (${ROLE[$n]}) on ${ADDR[$n]}:$PORT - written by scripts/fleet/fleet-up.sh
ListenAddress ${ADDR[$n]}:$PORT
HostKey $dir/ssh_host_ed25519_key
PidFile $dir/sshd.pid
AllowUsers fleet$n
PermitRootLogin no
PubkeyAuthentication yes
PasswordAuthentication no
KbdInteractiveAuthentication no
UsePAM no
StrictModes yes
AuthorizedKeysFile .ssh/authorized_keys
X11Forwarding no
AllowTcpForwarding $( [ "${KIND[$n]}" = bastion ] && echo local || echo no )
AllowAgentForwarding no
PermitTunnel no
PrintMotd no
LogLevel VERBOSE
MaxStartups 50:30:100
MaxSessions 20
EOF
  if [ "${KIND[$n]}" = bastion ]; then
    # a jump host: local TCP forwarding to fleet49's sshd only, no shell, no pty, no sudo, no bpftrace
    printf 'PermitOpen 10.249.7.2:%s\nForceCommand /usr/sbin/nologin\nPermitTTY no\n' "$PORT" >> "$hr$dir/sshd_config.tmp"
  fi
  # SFTP: bpfdeck pushes scripts over SFTP. fleet13 deliberately has none, like hardened hosts, so the
  # fallback (the script through the stdin of a fixed `cat`) is tested too.
  [ "$n" = 13 ] || echo "Subsystem sftp internal-sftp" >> "$hr$dir/sshd_config.tmp"
  mv "$hr$dir/sshd_config.tmp" "$hr$dir/sshd_config"
  R "$n" /usr/sbin/sshd -t -f "$dir/sshd_config" || die "sshd -t rejected $hr$dir/sshd_config"
  # keep logs bounded across many test runs
  local log=$hr$dir/sshd.log
  [ -f "$log" ] && [ "$(stat -c %s "$log")" -gt 20000000 ] && mv -f "$log" "$log.1"
  if [ "${ROLE[$n]}" = no-bpftrace ]; then
    # the file bind-mounted over bpftrace in this host's mount namespace: empty, mode 000
    [ -f "$FLEET/h$n/no-bpftrace" ] || install -m 000 /dev/null "$FLEET/h$n/no-bpftrace"
  fi
  return 0
}

sshd_pid() {  # N -> pid of our running listener (from our pid file), or nothing
  local pf pid; pf=$(hroot "$1")${DIR[$1]}/sshd.pid
  [ -f "$pf" ] || return 0
  pid=$(cat "$pf" 2>/dev/null) || return 0
  [[ "$pid" =~ ^[0-9]+$ ]] || return 0
  kill -0 "$pid" 2>/dev/null || return 0
  [ "$(awk '{print $3}' "/proc/$pid/stat" 2>/dev/null)" = Z ] && return 0
  grep -q '^sshd' "/proc/$pid/comm" 2>/dev/null && echo "$pid"
  return 0
}
listening() { [ -n "$(NX "$1" ss -Hltn "src ${ADDR[$1]} and sport = :$PORT" 2>/dev/null)" ]; }

stop_sshd() {  # N : stop our listener; established sessions keep running (ssh's normal behaviour)
  local pid st i; pid=$(sshd_pid "$1")
  [ -n "$pid" ] || return 0
  kill "$pid" 2>/dev/null || return 0
  for i in $(seq 1 60); do   # gone or a zombie (PID 1 here reaps lazily): its sockets are closed
    st=$(awk '{print $3}' "/proc/$pid/stat" 2>/dev/null) || break
    { [ -z "$st" ] || [ "$st" = Z ]; } && break
    sleep 0.05
  done
}

start_sshd() {  # N
  local n=$1 dir=${DIR[$1]} i
  if listening "$n"; then
    die "${ADDR[$n]}:$PORT is held by a process we did not start: $(NX "$n" ss -Hltnp "src ${ADDR[$n]} and sport = :$PORT")"
  fi
  case "${ROLE[$n]}:${ROOT[$n]}" in
    no-bpftrace:/)
      # private mount namespace in which every bpftrace binary is masked by an empty, mode-000,
      # noexec bind mount; sshd (and so every session and sudo) lives in that namespace
      unshare -m --propagation private /bin/sh -ec '
        for b in /usr/bin/bpftrace /usr/sbin/bpftrace /usr/local/bin/bpftrace /usr/local/sbin/bpftrace; do
          if [ -e "$b" ]; then mount --bind "$1" "$b"; mount -o remount,bind,ro,noexec,nosuid,nodev "$b"; fi
        done
        exec /usr/sbin/sshd -f "$2/sshd_config" -E "$2/sshd.log"' sh "$FLEET/h$n/no-bpftrace" "$dir" ;;
    *:/) NX "$n" /usr/sbin/sshd -f "$dir/sshd_config" -E "$dir/sshd.log" ;;
    *)   chroot "${ROOT[$n]}" /usr/sbin/sshd -f "$dir/sshd_config" -E "$dir/sshd.log" ;;
  esac
  for i in $(seq 1 100); do listening "$n" && { cp "$dir/sshd_config" "$dir/sshd_config.running" 2>/dev/null || cp "$(hroot "$n")$dir/sshd_config" "$(hroot "$n")$dir/sshd_config.running"; return 0; }; sleep 0.03; done
  die "sshd for fleet$n did not come up on ${ADDR[$n]}:$PORT (see $(hroot "$n")$dir/sshd.log)"
}
# Start what is not running; restart a running sshd only when its config changed (sshd_config.running is
# the config it was started with) or FLEET_RESTART=1, so re-running this script for new hosts leaves the
# sessions of everyone using the other hosts alone.
restart_all() {
  local n d
  for n in $ALL; do
    touched "$n" || continue
    d=$(hroot "$n")${DIR[$n]}
    if [ -n "$(sshd_pid "$n")" ] && listening "$n" && [ "$FLEET_RESTART" != 1 ]; then
      [ -f "$d/sshd_config.running" ] || cp "$d/sshd_config" "$d/sshd_config.running"   # started by an older fleet-up
      cmp -s "$d/sshd_config" "$d/sshd_config.running" && continue
    fi
    stop_sshd "$n"; start_sshd "$n"
  done
}

bpftrace_versions() {
  BV_HOST=$(/usr/bin/bpftrace --version 2>/dev/null | sed -n 's/^bpftrace v//p')
  BV_CHROOT=""
  [ -n "$CHROOT_HOSTS" ] && BV_CHROOT=$(chroot "$CHROOT" /usr/bin/bpftrace --version 2>/dev/null | sed -n 's/^bpftrace v//p')
  return 0
}
version_of() {  # N -> version string or empty (no bpftrace on that host)
  [ "${ROLE[$1]}" = no-bpftrace ] && return 0
  if [ "${ROOT[$1]}" = / ]; then echo "$BV_HOST"; else echo "$BV_CHROOT"; fi
}
identity_of() { case "${KIND[$1]}" in encrypted-key) echo id_ed25519_enc;; agent) echo id_ed25519_agent;; *) echo id_ed25519;; esac; }
jstr() { local s=${1//\\/\\\\}; s=${s//\"/\\\"}; printf '"%s"' "$s"; }

write_client_files() {
  local n ip hk v sep="" kh=$FLEET/known_hosts cfg=$FLEET/ssh_config
  : > "$kh.tmp"; : > "$cfg.tmp"; : > "$FLEET/hosts.txt.tmp"; printf '[\n' > "$FLEET/hosts.json.tmp"
  for n in $ALL; do
    ip=${ADDR[$n]}
    local pub; pub=$(hroot "$n")${DIR[$n]}/ssh_host_ed25519_key.pub
    hk=$(cut -d' ' -f1,2 "$pub")
    if [ "$PORT" = 22 ]; then echo "$ip $hk" >> "$kh.tmp"; else echo "[$ip]:$PORT $hk" >> "$kh.tmp"; fi
    cat >> "$cfg.tmp" <<EOF
Host fleet$n
  HostName $ip
  Port $PORT
  User fleet$n
  IdentityFile $FLEET/client/$(identity_of "$n")
  IdentitiesOnly yes$( [ "${KIND[$n]}" = behind-bastion ] && printf '\n  ProxyJump fleet45' )
  UserKnownHostsFile $kh
  GlobalKnownHostsFile /dev/null
  StrictHostKeyChecking yes
  BatchMode yes
  ConnectTimeout 5
  LogLevel ERROR

EOF
    echo "fleet$n $ip $PORT ${SYS[$n]}" >> "$FLEET/hosts.txt.tmp"    # same 4 columns as the reference
    v=$(version_of "$n"); [ -n "$v" ] && v=$(jstr "$v") || v=null
    local via=null; [ "${KIND[$n]}" = behind-bastion ] && via='"fleet45"'
    printf '%s  {"name": "fleet%s", "address": "%s", "port": %s, "user": "fleet%s", "uid": %s, "bpftraceVersion": %s, "role": "%s", "system": "%s", "hostKeyPath": %s, "sshdPidFile": %s, "kind": "%s", "identityFile": %s, "via": %s}' \
      "$sep" "$n" "$ip" "$PORT" "$n" "$(R "$n" id -u "fleet$n")" "$v" "${ROLE[$n]}" "${SYS[$n]}" \
      "$(jstr "$pub")" "$(jstr "$(hroot "$n")${DIR[$n]}/sshd.pid")" "${KIND[$n]}" "$(jstr "$FLEET/client/$(identity_of "$n")")" "$via" >> "$FLEET/hosts.json.tmp"
    sep=$',\n'
  done
  printf '\n]\n' >> "$FLEET/hosts.json.tmp"
  chmod 644 "$kh.tmp" "$cfg.tmp" "$FLEET/hosts.txt.tmp" "$FLEET/hosts.json.tmp"
  mv "$kh.tmp" "$kh"; mv "$cfg.tmp" "$cfg"; mv "$FLEET/hosts.txt.tmp" "$FLEET/hosts.txt"
  mv "$FLEET/hosts.json.tmp" "$FLEET/hosts.json"     # last: its presence means "the fleet is up"
}

# ---- verification (VERIFY=1) -------------------------------------------------------------------
# prints one line "OK <details>" or "FAIL <why>" for host N
verify_host() {
  local n=$1 out rc v
  case "${KIND[$n]}" in
    bastion|bastion-noforward|encrypted-key|agent)
      # these refuse the shared client key or a shell by design; tests/integration/fleet-identities.test.ts checks them
      echo "OK ${KIND[$n]} (checked by the integration tests)"; return ;;
  esac
  S() { timeout 40 ssh -F "$FLEET/ssh_config" "fleet$n" "$@"; }
  out=$(S id -un 2>&1) || { echo "FAIL login: $out"; return; }
  [ "$out" = "fleet$n" ] || { echo "FAIL login: id -un says '$out'"; return; }
  out=$(timeout 20 ssh -F "$FLEET/ssh_config" -o LogLevel=INFO -o PreferredAuthentications=none "fleet$n" true 2>&1 || true)
  case "$out" in *"Permission denied (publickey)"*) ;; *) echo "FAIL auth methods: $out"; return;; esac
  if S sudo -n id >/dev/null 2>&1; then echo "FAIL: 'sudo -n id' is allowed"; return; fi
  case "${ROLE[$n]}" in
    ok)
      v=$(S sudo -n bpftrace --version 2>&1) || { echo "FAIL sudo bpftrace --version: $v"; return; }
      [ "$v" = "bpftrace v$(version_of "$n")" ] || { echo "FAIL version: '$v'"; return; }
      rc=0
      out=$(S "sudo -n bpftrace -f json -e 'tracepoint:syscalls:sys_enter_execve { @n = count(); } interval:ms:400 { exit(); }'" 2>/dev/null) || rc=$?
      [ "$rc" = 0 ] || { echo "FAIL bpftrace run rc=$rc"; return; }
      case "$out" in *attached_probes*) ;; *) echo "FAIL bpftrace run: no attached_probes record: ${out:0:200}"; return;; esac
      echo "OK $v: tracepoint run + json, no other sudo, publickey only" ;;
    no-sudo)
      v=$(S command -v bpftrace 2>&1) || true
      [ "$v" = /usr/bin/bpftrace ] || { echo "FAIL: bpftrace should be installed here, command -v says '$v'"; return; }
      rc=0; out=$(S sudo -n bpftrace --version 2>&1) || rc=$?
      [ "$rc" != 0 ] || { echo "FAIL: sudo -n bpftrace works"; return; }
      case "$out" in *"a password is required"*|*"not allowed"*) ;; *) echo "FAIL: unexpected sudo message: $out"; return;; esac
      echo "OK sudo -n bpftrace refused (rc=$rc): ${out//$'\n'/ }" ;;
    no-bpftrace)
      if S 'p=$(command -v bpftrace) && [ -x "$p" ]' >/dev/null 2>&1; then echo "FAIL: an executable bpftrace is visible"; return; fi
      out=$(S sudo -n -l 2>&1) || true
      case "$out" in *"NOPASSWD: /usr/bin/bpftrace"*) ;; *) echo "FAIL: sudo rule missing: $out"; return;; esac
      rc=0; out=$(S sudo -n bpftrace --version 2>&1) || rc=$?
      [ "$rc" != 0 ] || { echo "FAIL: sudo -n bpftrace works: $out"; return; }
      echo "OK no executable bpftrace, sudo rule present, sudo -n bpftrace rc=$rc: ${out//$'\n'/ }" ;;
  esac
}
declare -A CHECK
verify_all() {
  local n d; d=$(mktemp -d)
  for n in $ALL; do touched "$n" && { verify_host "$n" > "$d/$n" 2>&1 & }; done
  wait
  for n in $ALL; do touched "$n" && CHECK[$n]=$(head -1 "$d/$n"); done
  rm -rf "$d"
  # the mask must not leak out of fleet15's namespace
  if ! { [ -x /usr/bin/bpftrace ] && [ -s /usr/bin/bpftrace ]; }; then
    for n in $ALL; do CHECK[$n]="FAIL: /usr/bin/bpftrace is masked on the machine itself"; done
  fi
}

# ---- main --------------------------------------------------------------------------------------
step "mount tracefs/debugfs, /run/sshd" mount_tracing
step "client key" client_key
step "network namespaces (bastion)" netns_up
CHROOT_TOUCHED=""; for n in $CHROOT_HOSTS; do touched "$n" && CHROOT_TOUCHED=1; done
if [ -n "$CHROOT_TOUCHED" ]; then
  step "chroot: reuse or build" chroot_build
  step "chroot: bind mounts" chroot_mounts
fi
step "bpftrace versions" bpftrace_versions
for n in $ALL; do touched "$n" && step "fleet$n: user + sudoers" make_user "$n"; done
for n in $ALL; do touched "$n" && step "fleet$n: host key + sshd_config (sshd -t)" write_sshd "$n"; done
step "restart sshds" restart_all
step "ssh_config, known_hosts, hosts.json" write_client_files
[ "$VERIFY" = 1 ] && step "verify (parallel, all hosts)" verify_all
printf '%-40s %7.3f s\n' "TOTAL fleet-up" "$(( $(now_ms) - T0 ))e-3" >> "$TIMINGS.tmp"
mv "$TIMINGS.tmp" "$TIMINGS"

# ---- summary -----------------------------------------------------------------------------------
[ "${QUIET_TIMINGS:-0}" = 1 ] || cat "$TIMINGS"
echo
fail=0
printf '%-8s %-17s %-8s %-6s %-9s %-9s %-12s %-7s %s\n' HOST ADDRESS USER UID SYSTEM BPFTRACE ROLE SSHD CHECK
for n in $ALL; do
  pid=$(sshd_pid "$n"); v=$(version_of "$n")
  c=${CHECK[$n]:-"listening (VERIFY=1 to check)"}
  listening "$n" || { c="FAIL: not listening"; }
  [[ "$c" == FAIL* ]] && fail=1
  [ "${ROLE[$n]}" = no-bpftrace ] && v="(hidden)"
  printf '%-8s %-17s %-8s %-6s %-9s %-9s %-12s %-7s %s\n' "fleet$n" "${ADDR[$n]}:$PORT" "fleet$n" \
    "$(R "$n" id -u "fleet$n")" "${SYS[$n]}" "${v:--}" "${ROLE[$n]}" "${pid:--}" "$c"
done
echo
first=${ALL%% *}
echo "hosts.json: $FLEET/hosts.json   hosts.txt: $FLEET/hosts.txt   logs: <host dir>/sshd.log"
echo "try: ssh -F $FLEET/ssh_config fleet$first sudo -n bpftrace -e \"'BEGIN { printf(\\\"hello\\\\n\\\"); exit(); }'\""
[ "$fail" = 0 ] || die "some hosts failed (see CHECK above; logs: $FLEET/h*/sshd.log, $CHROOT/etc/ssh/fleet-h*/sshd.log)"
