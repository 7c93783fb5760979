/**
 * The bpfdeck CLI: parse, dispatch, map errors to exit statuses (0 done, 1 failed, 2 wrong usage).
 * bin/bpfdeck.mjs loads this through tsx; `main` takes its I/O as arguments so tests can drive it.
 */
import path from 'node:path';
import { HELP, parseArgs, UsageError } from '@/lib/cli/args';
import { importStream, openCapture } from '@/lib/cli/import';
import { summarize } from '@/lib/cli/summary';
import { formatToolsReport, toolsReport } from '@/lib/cli/tools';
import { findTool, resolveRunRequest } from '@/lib/cli/validate';
import { listTools } from '@/lib/tools/catalog';

export const EXIT_OK = 0;
export const EXIT_FAILED = 1;
export const EXIT_USAGE = 2;

export interface CliIo {
  /** resolves once the text is handed to the OS (so exiting afterwards loses nothing) */
  stdout: (text: string) => Promise<void>;
  stderr: (text: string) => void;
  /** the directory relative paths on the command line are relative to */
  cwd: string;
}

export async function main(argv: readonly string[], io: CliIo): Promise<number> {
  const say = (line: string) => io.stderr(`bpfdeck: ${line}\n`);
  try {
    const cmd = parseArgs(argv);
    switch (cmd.cmd) {
      case 'help':
        await io.stdout(HELP[cmd.topic ?? 'main']);
        return EXIT_OK;

      case 'tools': {
        const report = await toolsReport(listTools());
        await io.stdout(cmd.json ? `${JSON.stringify(report, null, 2)}\n` : formatToolsReport(report));
        return EXIT_OK;
      }

      case 'import': {
        const tool = cmd.toolId === null ? null : findTool(listTools(), cmd.toolId, 'import');
        const input = openCapture(cmd.file === '-' ? '-' : path.resolve(io.cwd, cmd.file));
        const imp = await importStream(tool, input, { bpftraceVersion: cmd.bpftraceVersion });
        const as = imp.toolId === null ? 'generic result (views chosen by the output)' : imp.chosen === 'detected' ? `${imp.toolId} (recognised from its records)` : imp.toolId;
        say(`${as}: ${imp.stats.records} records decoded from ${imp.stats.bytes} bytes`);
        await io.stdout(`${JSON.stringify(imp.result)}\n`);
        if (imp.mismatch) {
          // never an empty table as a success: the asked format is not there
          say(imp.mismatch);
          return EXIT_FAILED;
        }
        return EXIT_OK;
      }

      case 'run': {
        const req = resolveRunRequest(listTools(), cmd);
        const progress = (line: string) => say(line);
        let result: unknown;
        let failure: string | null;
        if (cmd.target.kind === 'host') {
          const { runOnHost } = await import('@/lib/cli/run-host');
          const out = await runOnHost(cmd.target.name, req, progress);
          result = out.result;
          failure = out.run.status === 'completed' ? null : `run ${out.run.id} ${out.run.status}: ${out.run.errorMessage ?? '(no message)'}`;
          say(`run ${out.run.id} ${out.run.status} (variant ${out.run.variantId}, ${out.run.recordCount} records, ${out.run.lostEvents} lost)`);
          if (!failure && out.run.errorMessage) say(out.run.errorMessage); // a completed run's warning
        } else {
          const { runLocal } = await import('@/lib/cli/run-local');
          const out = await runLocal(req, progress);
          result = out.result;
          failure = out.failure ?? (out.interrupted ? 'interrupted (Ctrl-C): the result covers the time before it' : null);
          say(`local run ${failure ? 'failed' : 'done'} (variant ${out.variantId}, bpftrace ${out.bpftraceVersion}, exit ${out.exitCode})`);
          if (out.warning) say(out.warning);
        }
        if (result !== null && result !== undefined) await io.stdout(cmd.json ? `${JSON.stringify(result)}\n` : summarize(result));
        if (failure) {
          say(failure);
          return EXIT_FAILED;
        }
        return EXIT_OK;
      }
    }
  } catch (e) {
    if (e instanceof UsageError) {
      say(e.message);
      io.stderr(`(see: bpfdeck ${e.topic ? `${e.topic} ` : ''}--help)\n`);
      return EXIT_USAGE;
    }
    say((e as Error).message ?? String(e));
    return EXIT_FAILED;
  }
}
