#!/usr/bin/env node
/**
 * test-summary.mjs DIR - the closing line of the test command (scripts/run-tests.sh), and of its self-test
 * (scripts/test-summary-selftest.sh). Reads DIR/stages, one line per stage that ran: `<kind> <name> <exit code>`,
 * kind one of
 *   check       a stage with no tests of its own (typecheck, lint, format): 1 passed if it exited 0, else 1 failed;
 *   vitest      DIR/<name>.json (Vitest's JSON reporter) + DIR/<name>.failures.json (vitest-failures-reporter.mjs);
 *   playwright  DIR/<name>.json (Playwright's JSON reporter).
 * What counts as failed, beyond the tests reported failed:
 *   - Vitest: a test that did not run in a file that failed (a beforeAll threw: Vitest calls those "skipped");
 *     a hook or load error of a file or describe block that no such test accounts for (afterAll, import error): 1 each;
 *     each unhandled error;
 *   - Playwright: each top-level error (a web server that never started, a forbidden .only, a config error);
 *     a test that did not run although it was expected to (a project it depends on, such as auth.setup, failed);
 *   - any stage: a missing or unreadable report (1), a report with no test at all (1), and a non-zero exit code
 *     that nothing above accounts for (1).
 * Prints one line per stage, then `tests: N passed, N failed[, N skipped]` alone on the last line (CI reads it),
 * and exits 1 when anything failed.
 */
import fs from 'node:fs';
import path from 'node:path';

const dir = process.argv[2];
if (!dir) {
  console.error('usage: test-summary.mjs DIR');
  process.exit(2);
}

const readJson = (file) => JSON.parse(fs.readFileSync(path.join(dir, file), 'utf8'));

// CI keeps only the tail of the log: name each failed test (and its error's first line) next to its stage.
function failedName(file, titles, message) {
  const first = String(message ?? '')
    .replace(/\x1b\[[0-9;]*m/g, '')
    .split('\n')
    .find((l) => l.trim());
  return `${[path.relative(process.cwd(), file), ...titles.filter(Boolean)].join(' > ')}${first ? `: ${first.trim().slice(0, 200)}` : ''}`;
}

function vitestStage(name) {
  const r = { passed: 0, failed: 0, skipped: 0, why: [], names: [] };
  let report, extra;
  try {
    report = readJson(`${name}.json`);
  } catch (e) {
    return { ...r, failed: 1, why: [`no JSON report (${e.message})`] };
  }
  try {
    extra = readJson(`${name}.failures.json`);
  } catch (e) {
    r.failed++;
    r.why.push(`no failures report (${e.message})`);
    extra = { suiteErrors: [], unhandledErrors: [] };
  }
  r.passed = report.numPassedTests;
  r.failed += report.numFailedTests;
  r.skipped = report.numPendingTests + report.numTodoTests;
  if (report.numFailedTests) r.why.push(`${report.numFailedTests} test(s) failed`);
  for (const file of report.testResults) {
    for (const t of file.assertionResults) {
      if (t.status === 'failed') r.names.push(failedName(file.name, [...t.ancestorTitles, t.title], t.failureMessages?.[0]));
    }
  }

  // Tests that did not run in a file that failed: their beforeAll (or an enclosing one) threw.
  const notRun = [];
  for (const file of report.testResults) {
    if (file.status !== 'failed') continue;
    for (const t of file.assertionResults) {
      if (t.status !== 'passed' && t.status !== 'failed') notRun.push({ file: file.name, titles: t.ancestorTitles });
    }
  }
  if (notRun.length) {
    r.failed += notRun.length;
    r.skipped -= notRun.length;
    r.why.push(`${notRun.length} test(s) did not run in a failed file (a beforeAll threw?)`);
  }
  // Hook and load errors: one each, unless the tests it kept from running are counted already.
  for (const err of extra.suiteErrors) {
    const within = (t) => t.file === err.file && err.suite.every((title, i) => t.titles[i] === title);
    if (notRun.some(within)) continue;
    r.failed++;
    const where = [path.relative(process.cwd(), err.file), ...err.suite].join(' > ');
    r.why.push(`error in ${where}: ${err.message}`);
  }
  for (const message of extra.unhandledErrors) {
    r.failed++;
    r.why.push(`unhandled error: ${message}`);
  }
  if (report.numTotalTests === 0 && report.numFailedTestSuites === 0) {
    r.failed++;
    r.why.push('no test ran');
  }
  return r;
}

function playwrightStage(name) {
  const r = { passed: 0, failed: 0, skipped: 0, why: [], names: [] };
  let report;
  try {
    report = readJson(`${name}.json`);
  } catch (e) {
    return { ...r, failed: 1, why: [`no JSON report (${e.message})`] };
  }
  const s = report.stats;
  r.passed = s.expected;
  r.failed = s.unexpected + s.flaky;
  r.skipped = s.skipped;
  if (r.failed) r.why.push(`${r.failed} test(s) failed`);
  for (const err of report.errors ?? []) {
    r.failed++;
    r.why.push(`error: ${String(err.message).split('\n')[0]}`);
  }
  // A test that was expected to run (not test.skip) but did not: a project it depends on failed.
  let notRun = 0;
  // describes: the titles of the describe() blocks around a spec (a file's own suite is titled by its path)
  const walk = (suite, describes) => {
    for (const spec of suite.specs ?? []) {
      for (const t of spec.tests) {
        if (t.status === 'skipped' && t.expectedStatus !== 'skipped') notRun++;
        if (t.status === 'unexpected' || t.status === 'flaky') {
          const last = t.results?.[t.results.length - 1];
          r.names.push(failedName(spec.file, [t.projectName, ...describes, spec.title], last?.error?.message ?? last?.errors?.[0]?.message));
        }
      }
    }
    for (const child of suite.suites ?? []) walk(child, [...describes, child.title]);
  };
  for (const suite of report.suites ?? []) walk(suite, []);
  if (notRun) {
    r.failed += notRun;
    r.skipped -= notRun;
    r.why.push(`${notRun} test(s) did not run (a project they depend on failed?)`);
  }
  if (s.expected + s.unexpected + s.flaky + s.skipped === 0 && !(report.errors ?? []).length) {
    r.failed++;
    r.why.push('no test ran');
  }
  return r;
}

let stages = [];
try {
  stages = fs
    .readFileSync(path.join(dir, 'stages'), 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => line.split(' '));
} catch (e) {
  console.log(`no stages recorded (${e.message})`);
}

const total = { passed: 0, failed: 0, skipped: 0 };
if (!stages.length) total.failed++;
for (const [kind, name, rcText] of stages) {
  const rc = Number(rcText);
  let r;
  if (kind === 'check') r = rc === 0 ? { passed: 1, failed: 0, skipped: 0, why: [] } : { passed: 0, failed: 1, skipped: 0, why: [] };
  else if (kind === 'vitest') r = vitestStage(name);
  else if (kind === 'playwright') r = playwrightStage(name);
  else r = { passed: 0, failed: 1, skipped: 0, why: [`unknown stage kind ${kind}`] };
  if (rc !== 0 && r.failed === 0) {
    r.failed = 1;
    r.why.push(`exited ${rc} with no failure in its report`);
  }
  if (kind === 'check' && rc !== 0) r.why.push(`exited ${rc}`);
  total.passed += r.passed;
  total.failed += r.failed;
  total.skipped += r.skipped;
  const skipped = r.skipped ? `, ${r.skipped} skipped` : '';
  console.log(`[${name}] ${r.passed} passed, ${r.failed} failed${skipped}${r.why.length ? ` (${r.why.join('; ')})` : ''}`);
  const names = r.names ?? []; // check stages have none: their own output says why
  for (const n of names.slice(0, 20)) console.log(`    failed: ${n}`);
  if (names.length > 20) console.log(`    ... and ${names.length - 20} more failed (the stage's report: ${path.join(dir, `${name}.json`)})`);
}
console.log(`\ntests: ${total.passed} passed, ${total.failed} failed${total.skipped ? `, ${total.skipped} skipped` : ''}`);
process.exit(total.failed ? 1 : 0);
