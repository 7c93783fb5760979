/**
 * A Vitest reporter that writes what Vitest's own JSON reporter leaves out, for scripts/test-summary.mjs:
 * errors of hooks (beforeAll/afterAll, at file or describe level: the JSON reporter keeps only a file's first
 * error, and none of a describe block's) and of files that failed to load, each with the suite it belongs to,
 * and unhandled errors (the JSON reporter has no field for them: a run with one exits 1 while every test passed).
 *
 *   VITEST_FAILURES_OUTPUT=/abs/out.json vitest run --reporter=json --reporter=./scripts/vitest-failures-reporter.mjs
 */
import fs from 'node:fs';
import path from 'node:path';

/** The first line of an error, enough for the summary to say what failed. */
const firstLine = (err) =>
  String(err?.message ?? err ?? 'unknown error')
    .split('\n')[0]
    .slice(0, 300);

export default class FailuresReporter {
  onTestRunEnd(testModules, unhandledErrors, reason) {
    const suiteErrors = [];
    const walk = (task, file, titles) => {
      if (task.type !== 'suite') return;
      for (const err of task.result?.errors ?? []) suiteErrors.push({ file, suite: titles, message: firstLine(err) });
      for (const child of task.tasks ?? []) walk(child, file, [...titles, child.name]);
    };
    for (const mod of testModules) walk(mod.task, mod.task.filepath, []); // the file is the outermost suite: no titles
    const out = process.env.VITEST_FAILURES_OUTPUT;
    if (!out) throw new Error('vitest-failures-reporter: set VITEST_FAILURES_OUTPUT to the file to write');
    fs.mkdirSync(path.dirname(out), { recursive: true });
    const report = { reason, suiteErrors, unhandledErrors: unhandledErrors.map((e) => firstLine(e)) };
    fs.writeFileSync(out, JSON.stringify(report, null, 1));
  }
}
