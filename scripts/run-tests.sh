#!/usr/bin/env bash
# run-tests.sh - the whole suite, once everything is installed and the fleet is up (bpfdeck.sh test).
# Runs every stage even if an earlier one fails, then prints one summary line and fails if any did.
set -uo pipefail
cd "$(dirname "$0")/.."
out=.test-summary  # not under test-results/: Playwright empties that folder when it starts
mkdir -p "$out"
status=0
stage() { printf '\n\033[1m== %s\033[0m\n' "$1"; }

stage "typecheck"
npx tsc --noEmit -p . || status=1

stage "schema drift (prisma/schema.prisma vs prisma/postgres/schema.prisma)"
npx tsx scripts/schema-drift.ts || status=1

stage "unit tests"
npx vitest run --project unit --reporter=default --reporter=json --outputFile.json="$out/unit.json" || status=1

stage "integration tests (real sshd, sudo, bpftrace 0.17 and 0.23 on the test fleet)"
npx vitest run --project integration --reporter=default --reporter=json --outputFile.json="$out/integration.json" || status=1

# The same integration files on PostgreSQL (a private server: scripts/pg-test-up.sh, stopped at the end).
# Files that open the SQLite file themselves (security-*, cli) are not in this list yet.
PG_INTEGRATION_FILES=${PG_INTEGRATION_FILES:-"tests/integration/hosts.test.ts tests/integration/run-quota.test.ts tests/integration/runs.test.ts tests/integration/reports.test.ts tests/integration/tool-execsnoop.test.ts tests/integration/tool-biolatency.test.ts"}
stage "integration tests on PostgreSQL 15 ($PG_INTEGRATION_FILES)"
if scripts/pg-test-up.sh >/dev/null; then
  # shellcheck disable=SC2086
  BPFDECK_TEST_DATABASE=postgres npx vitest run --project integration --reporter=default --reporter=json --outputFile.json="$out/integration-pg.json" $PG_INTEGRATION_FILES || status=1
else
  echo "PostgreSQL test server did not start"; status=1
fi

stage "end-to-end tests (Playwright, Debian Chromium)"
PLAYWRIGHT_JSON_OUTPUT_NAME="$out/e2e.json" npx playwright test --reporter=list,json || status=1

node -e '
const fs = require("fs");
let passed = 0, failed = 0, skipped = 0;
for (const f of ["unit", "integration", "integration-pg"]) {
  try { const j = JSON.parse(fs.readFileSync(process.argv[1] + "/" + f + ".json", "utf8"));
        passed += j.numPassedTests; failed += j.numFailedTests; skipped += j.numPendingTests + j.numTodoTests; }
  catch (e) { console.log(f + ": no results (" + e.message + ")"); failed++; }
}
try { const s = JSON.parse(fs.readFileSync(process.argv[1] + "/e2e.json", "utf8")).stats;
      passed += s.expected; failed += s.unexpected + s.flaky; skipped += s.skipped; }
catch (e) { console.log("e2e: no results (" + e.message + ")"); failed++; }
console.log("\ntests: " + passed + " passed, " + failed + " failed" + (skipped ? ", " + skipped + " skipped" : ""));
' "$out"
scripts/pg-test-up.sh --stop || true
exit $status
