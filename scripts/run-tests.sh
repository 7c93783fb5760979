#!/usr/bin/env bash
# run-tests.sh - the whole suite, once everything is installed and the fleet is up (bpfdeck.sh test).
# Runs every stage even if an earlier one fails, then prints one line per stage and the summary line
# `tests: N passed, N failed` (scripts/test-summary.mjs says what counts), and fails if anything did.
set -uo pipefail
cd "$(dirname "$0")/.."
BPFDECK_ROOT=$PWD
. scripts/test-lib.sh
new_summary .test-summary  # not under test-results/: Playwright empties that folder when it starts
status=0
stage() { printf '\n\033[1m== %s\033[0m\n' "$1"; }

stage "typecheck"
check_stage typecheck npx tsc --noEmit -p . || status=1

stage "lint (ESLint)"
check_stage lint npm run -s lint || status=1

stage "format (Prettier --check)"
check_stage format npm run -s format:check || status=1

stage "self-test of the test summary (a failing beforeAll and a web server that never starts must count)"
check_stage summary-selftest bash scripts/test-summary-selftest.sh || status=1

stage "unit tests"
vitest_stage unit --project unit || status=1

stage "integration tests (real sshd, sudo, bpftrace 0.17 and 0.23 on the test fleet)"
vitest_stage integration --project integration || status=1

stage "end-to-end tests (Playwright, Debian Chromium)"
playwright_stage e2e || status=1

stage "summary"
node scripts/test-summary.mjs "$OUT" || status=1
exit $status
