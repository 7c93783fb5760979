/**
 * The bpfdeck CLI: parse, dispatch, map errors to exit statuses (0 done, 1 failed, 2 wrong usage).
 * bin/bpfdeck.mjs loads this through tsx; `main` takes its I/O as arguments so tests can drive it.
 */
import path from 'node:path';
import { HELP, parseArgs, UsageError } from '@/lib/cli/args';
import { checkExportFormat, renderCliExport, writeCliExport } from '@/lib/cli/export';
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
  /** binary output (a pprof export to stdout); without it, binary exports need -o FILE */
  stdoutBytes?: (data: Uint8Array) => Promise<void>;
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

      case 'hosts': {
        const { listHosts } = await import('@/lib/hosts/service');
        const hosts = await listHosts(cmd.selector === null ? {} : { selector: cmd.selector });
        if (cmd.json) await io.stdout(`${JSON.stringify(hosts, null, 2)}\n`);
        else {
          const byId = new Map((await listHosts()).map((h) => [h.id, h.name]));
          const lines = hosts.map((h) => {
            const via = h.jumpHostIds.length ? ` via ${h.jumpHostIds.map((id) => byId.get(id) ?? id).join(',')}` : '';
            const tags = Object.entries(h.tags)
              .map(([k, v]) => `${k}=${v}`)
              .join(',');
            return `${h.name}\t${h.username}@${h.address}:${h.port}${via}\t${h.identity?.name ?? '-'}\t${tags || '-'}`;
          });
          await io.stdout(lines.length ? `${lines.join('\n')}\n` : '');
        }
        if (cmd.selector !== null && hosts.length === 0) {
          say(`selector ${JSON.stringify(cmd.selector)} matches no host`);
          return EXIT_FAILED;
        }
        return EXIT_OK;
      }

      case 'import': {
        const tool = cmd.toolId === null ? null : findTool(listTools(), cmd.toolId, 'import');
        const input = openCapture(cmd.file === '-' ? '-' : path.resolve(io.cwd, cmd.file));
        const imp = await importStream(tool, input, { bpftraceVersion: cmd.bpftraceVersion });
        const as =
          imp.toolId === null
            ? 'generic result (views chosen by the output)'
            : imp.chosen === 'detected'
              ? `${imp.toolId} (recognised from its records)`
              : imp.toolId;
        say(`${as}: ${imp.stats.records} records decoded from ${imp.stats.bytes} bytes`);
        if (imp.mismatch) {
          // never an empty table as a success: the asked format is not there (the generic result is printed)
          await io.stdout(`${JSON.stringify(imp.result)}\n`);
          say(imp.mismatch);
          return EXIT_FAILED;
        }
        if (cmd.export) {
          const used = imp.toolId === null ? null : findTool(listTools(), imp.toolId, 'import');
          if (used) {
            const out = renderCliExport(used, imp.result, cmd.export, `${used.title}: ${path.basename(cmd.file)}`);
            say(await writeCliExport(out.body, cmd.export, io));
          } else if (cmd.export.format === 'json') {
            say(await writeCliExport(`${JSON.stringify(imp.result)}\n`, cmd.export, io));
          } else {
            say(`the generic result has only the json export (asked for ${cmd.export.format})`);
            return EXIT_FAILED;
          }
          return EXIT_OK;
        }
        await io.stdout(`${JSON.stringify(imp.result)}\n`);
        return EXIT_OK;
      }

      case 'worker': {
        const { runWorker } = await import('@/lib/runs/worker');
        await runWorker({ concurrency: cmd.concurrency ?? undefined, log: (line) => io.stderr(`${line}\n`) });
        return EXIT_OK;
      }

      case 'run': {
        const req = resolveRunRequest(listTools(), cmd);
        if (cmd.export) checkExportFormat(req.tool, cmd.export.format); // before minutes of tracing
        const progress = (line: string) => say(line);
        let result: unknown;
        let failure: string | null;
        /** the body of --export */
        let exported: string | Uint8Array | null = null;
        if (cmd.target.kind === 'host') {
          const { runOnHost } = await import('@/lib/cli/run-host');
          const out = await runOnHost(cmd.target.name, req, progress);
          result = out.result;
          if (cmd.export && out.result !== null && out.result !== undefined) {
            // the recorded run: the web download's own function
            const { exportRun } = await import('@/lib/reports/export');
            exported = (await exportRun(out.run.id, cmd.export.format, { kernelSuffix: cmd.export.kernelSuffix })).body as string | Uint8Array;
          }
          failure = out.run.status === 'completed' ? null : `run ${out.run.id} ${out.run.status}: ${out.run.errorMessage ?? '(no message)'}`;
          say(`run ${out.run.id} ${out.run.status} (variant ${out.run.variantId}, ${out.run.recordCount} records, ${out.run.lostEvents} lost)`);
          if (!failure && out.run.errorMessage) say(out.run.errorMessage); // a completed run's warning
        } else {
          const { runLocal } = await import('@/lib/cli/run-local');
          const out = await runLocal(req, progress);
          result = out.result;
          if (cmd.export && result !== null && result !== undefined)
            exported = renderCliExport(req.tool, result, cmd.export, `${req.tool.title} on this machine`).body;
          failure = out.failure ?? (out.interrupted ? 'interrupted (Ctrl-C): the result covers the time before it' : null);
          say(`local run ${failure ? 'failed' : 'done'} (variant ${out.variantId}, bpftrace ${out.bpftraceVersion}, exit ${out.exitCode})`);
          if (out.warning) say(out.warning);
        }
        if (cmd.export) {
          if (exported !== null) say(await writeCliExport(exported, cmd.export, io));
          else if (!failure) failure = 'the run has no result to export';
        } else if (result !== null && result !== undefined) await io.stdout(cmd.json ? `${JSON.stringify(result)}\n` : summarize(result));
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
