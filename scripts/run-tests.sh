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

stage "schema drift (prisma/schema.prisma vs prisma/postgres/schema.prisma)"
check_stage schema-drift npx tsx scripts/schema-drift.ts || status=1

stage "unit tests"
vitest_stage unit --project unit || status=1

stage "integration tests (real sshd, sudo, bpftrace 0.17 and 0.23 on the test fleet)"
# scaled-*: the scaled form (workers, web instances) exists on PostgreSQL only: run in the PostgreSQL stage
vitest_stage integration --project integration --exclude 'tests/integration/scaled-*.test.ts' || status=1

# The same integration files on PostgreSQL (a private server: scripts/pg-test-up.sh, stopped at the end).
# security-* and cli reach the database through tests/integration/pg.ts (either database); together
# they add about 2.5 min here (measured: security-* 65 s, cli 82 s on PostgreSQL).
PG_INTEGRATION_FILES=${PG_INTEGRATION_FILES:-"tests/integration/hosts.test.ts tests/integration/run-quota.test.ts tests/integration/limits-race.test.ts tests/integration/runs.test.ts tests/integration/reports.test.ts tests/integration/tool-execsnoop.test.ts tests/integration/tool-biolatency.test.ts tests/integration/scaled-worker.test.ts tests/integration/scaled-web.test.ts tests/integration/security-audit.test.ts tests/integration/security-input.test.ts tests/integration/security-limits.test.ts tests/integration/security-routes.test.ts tests/integration/security-secrets.test.ts tests/integration/cli.test.ts"}
stage "integration tests on PostgreSQL 15 ($PG_INTEGRATION_FILES)"
if scripts/pg-test-up.sh >/dev/null; then
  # shellcheck disable=SC2086
  BPFDECK_TEST_DATABASE=postgres vitest_stage integration-pg --project integration $PG_INTEGRATION_FILES || status=1
else
  echo "PostgreSQL test server did not start"; status=1
  echo "check postgres-server 1" >>"$OUT/stages"
fi

stage "end-to-end tests (Playwright, Debian Chromium)"
playwright_stage e2e || status=1

scripts/pg-test-up.sh --stop || true
stage "summary"
node scripts/test-summary.mjs "$OUT" || status=1
exit $status
