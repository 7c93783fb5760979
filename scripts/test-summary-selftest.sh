#!/usr/bin/env bash
# test-summary-selftest.sh - proves that the test command's summary (scripts/test-summary.mjs, fed by the
# runners as scripts/test-lib.sh runs them) counts every kind of failure: tiny throwaway Vitest and Playwright
# projects in a temp dir, each broken one way, must each give `N failed` with N >= 1 (or exactly the count
# stated) and a non-zero exit; a healthy one must give `1 passed, 0 failed` and exit 0. No fleet, ~20 s.
set -uo pipefail
cd "$(dirname "$0")/.."
BPFDECK_ROOT=$PWD
. scripts/test-lib.sh
bad=0
tmp=$(mktemp -d /tmp/bpfdeck-summary-selftest-XXXXXX)
trap '((bad)) || rm -rf "$tmp"' EXIT  # kept when a case failed: its runner log is there
ln -s "$BPFDECK_ROOT/node_modules" "$tmp/node_modules"  # the projects import vitest / @playwright/test

# expect CASE WANT: run the summary on $OUT; WANT is "pass" (1 passed, 0 failed, exit 0), "fail" (>= 1 failed,
# exit != 0) or "fail=N" (exactly N failed, exit != 0).
expect() {
  local case=$1 want=$2 line rc
  line=$(node "$BPFDECK_ROOT/scripts/test-summary.mjs" "$OUT" | tail -1); rc=$?  # pipefail: the summary's exit code
  local failed; failed=$(sed -n 's/^tests: [0-9]* passed, \([0-9]*\) failed.*/\1/p' <<<"$line")
  local ok=0
  case $want in
    pass) [[ $line == "tests: 1 passed, 0 failed" && $rc == 0 ]] && ok=1 ;;
    fail) [[ -n $failed && $failed -ge 1 && $rc != 0 ]] && ok=1 ;;
    fail=*) [[ $failed == "${want#fail=}" && $rc != 0 ]] && ok=1 ;;
  esac
  if ((ok)); then echo "ok   $case: $line (exit $rc)"; else echo "FAIL $case: wanted $want, got '$line' (exit $rc)"; bad=1; fi
}

# named CASE TEXT: the summary names the failed test (CI keeps only the log's tail), e.g. its title and error.
named() {
  local out; out=$(node "$BPFDECK_ROOT/scripts/test-summary.mjs" "$OUT")  # exits 1: a test failed
  if grep '^    failed: ' <<<"$out" | grep -qF -- "$2"; then echo "ok   $1: names '$2'"
  else echo "FAIL $1: the summary does not name '$2'"; bad=1; fi
}

# vitest_case NAME WANT TEST-SOURCE: one test file, run as the test command runs vitest.
vitest_case() {
  local name=$1 want=$2 dir="$tmp/$1"
  mkdir -p "$dir" && printf '%s\n' "$3" >"$dir/case.test.ts"
  echo "export default { test: { include: ['case.test.ts'] } };" >"$dir/vitest.config.mjs"
  new_summary "$tmp/$name.out"
  (cd "$dir" && vitest_stage "$name" --root . >"$tmp/$name.log" 2>&1)
  expect "vitest: $name" "$want"
}

vitest_case healthy pass "import { it, expect } from 'vitest';
it('passes', () => { expect(1).toBe(1); });"

vitest_case one-fails fail=1 "import { it, expect } from 'vitest';
it('passes', () => { expect(1).toBe(1); });
it('the failing one', () => { expect('seen').toBe('wanted'); });"
named 'vitest: one-fails' "case.test.ts > the failing one: AssertionError: expected 'seen' to be 'wanted'"

vitest_case before-all-throws fail=2 "import { beforeAll, it, expect } from 'vitest';
beforeAll(() => { throw new Error('deliberate beforeAll failure'); });
it('never runs 1', () => { expect(1).toBe(1); });
it('never runs 2', () => { expect(1).toBe(1); });"

vitest_case describe-after-all-throws fail=1 "import { afterAll, describe, it, expect } from 'vitest';
describe('group', () => {
  afterAll(() => { throw new Error('deliberate afterAll failure'); });
  it('passes', () => { expect(1).toBe(1); });
});"

vitest_case load-error fail=1 "import './does-not-exist';
import { it } from 'vitest';
it('never loads', () => {});"

vitest_case unhandled-error fail=1 "import { it, expect } from 'vitest';
it('passes but leaves an error behind', async () => {
  setTimeout(() => { throw new Error('deliberate unhandled error'); }, 0);
  await new Promise((resolve) => setTimeout(resolve, 20));
  expect(1).toBe(1);
});"

vitest_case only-refused fail "import { it, expect } from 'vitest';
it.only('focused', () => { expect(1).toBe(1); });
it('other', () => { expect(1).toBe(1); });"

# playwright_case NAME WANT PROJECTS WEBSERVER: the repository's playwright.config.ts (forbidOnly, reporters)
# with its projects and web server replaced; specs that need no browser.
playwright_case() {
  local name=$1 want=$2 dir="$tmp/$1"
  mkdir -p "$dir"
  cat >"$dir/ok.spec.ts" <<'SPEC'
import { test, expect } from '@playwright/test';
test('passes', () => { expect(1).toBe(1); });
SPEC
  cat >"$dir/setup.spec.ts" <<'SPEC'
import { test, expect } from '@playwright/test';
test.describe('signing in', () => {
  test('deliberate setup failure', () => { expect('signed in').toBe('not signed in'); });
});
SPEC
  cat >"$dir/only.spec.ts" <<'SPEC'
import { test, expect } from '@playwright/test';
test.only('focused', () => { expect(1).toBe(1); });
SPEC
  cat >"$dir/playwright.config.ts" <<CONF
import base from '$BPFDECK_ROOT/playwright.config';
export default { ...base, testDir: '.', outputDir: '$dir/test-results', projects: $3, webServer: $4 };
CONF
  new_summary "$tmp/$name.out"
  (cd "$dir" && E2E_DATA_DIR="$dir" playwright_stage "$name" --config playwright.config.ts >"$tmp/$name.log" 2>&1)
  expect "playwright: $name" "$want"
}

playwright_case healthy pass "[{ name: 'e2e', testMatch: /ok\.spec\.ts$/ }]" undefined
playwright_case web-server-exits fail "[{ name: 'e2e', testMatch: /ok\.spec\.ts$/ }]" \
  "{ command: 'exit 3', url: 'http://127.0.0.1:9/', timeout: 20_000, reuseExistingServer: false }"
playwright_case setup-fails fail=2 \
  "[{ name: 'setup', testMatch: /setup\.spec\.ts$/ }, { name: 'e2e', testMatch: /ok\.spec\.ts$/, dependencies: ['setup'] }]" undefined
named 'playwright: setup-fails' "setup.spec.ts > setup > signing in > deliberate setup failure: Error: expect(received).toBe(expected)"
playwright_case only-forbidden fail "[{ name: 'e2e', testMatch: /only\.spec\.ts$/ }]" undefined

# A runner that died before writing its report: the stage is recorded, its report missing.
new_summary "$tmp/no-report.out"
echo "vitest unit 1" >>"$OUT/stages"
expect "no report written" fail
# A check stage (typecheck, lint, format) that failed counts in the summary line.
new_summary "$tmp/check.out"
echo "check lint 1" >>"$OUT/stages"
expect "failed check stage" fail=1

if ((bad)); then
  echo "summary self-test FAILED (the runners' logs: $tmp/*.log)"
  exit 1
fi
echo "summary self-test passed"
