# test-lib.sh - sourced by scripts/run-tests.sh and scripts/test-summary-selftest.sh, so the self-test runs
# the runners exactly as the test command does. Each stage appends `<kind> <name> <exit code>` to $OUT/stages,
# which scripts/test-summary.mjs reads with the runners' reports in $OUT (an absolute path).

# check_stage NAME CMD...: a stage without tests of its own (typecheck, lint, format); counts as 1 test.
check_stage() {
  local name=$1; shift
  "$@"; local rc=$?
  echo "check $name $rc" >>"$OUT/stages"
  return $rc
}

# vitest_stage NAME ARGS...: `vitest run ARGS` with the JSON report and the failures report (hook errors,
# unhandled errors), refusing .only (--allowOnly=false makes a .only test fail).
vitest_stage() {
  local name=$1; shift
  VITEST_FAILURES_OUTPUT="$OUT/$name.failures.json" npx vitest run --allowOnly=false "$@" \
    --reporter=default --reporter=json --outputFile.json="$OUT/$name.json" \
    --reporter="$BPFDECK_ROOT/scripts/vitest-failures-reporter.mjs"
  local rc=$?
  echo "vitest $name $rc" >>"$OUT/stages"
  return $rc
}

# playwright_stage NAME ARGS...: `playwright test ARGS` with the JSON report (forbidOnly is in the config).
playwright_stage() {
  local name=$1; shift
  PLAYWRIGHT_JSON_OUTPUT_NAME="$OUT/$name.json" npx playwright test --reporter=list,json "$@"
  local rc=$?
  echo "playwright $name $rc" >>"$OUT/stages"
  return $rc
}

# new_summary DIR: empty DIR, so a runner that dies without writing its report cannot leave the last run's.
new_summary() {
  rm -rf "$1" && mkdir -p "$1" && OUT=$(cd "$1" && pwd)
}
