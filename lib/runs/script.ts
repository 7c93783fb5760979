/**
 * What a run runs: one function, resolveRunScript(run, ctx), turns a stored run into the script text
 * to push, its sha256, its parser and result kind, and the fields to record with the run, whatever
 * the script's source (Run.scriptSource):
 *
 *  - catalog:  bpftrace-tools/<variant file>, the first variant the host supports, rendered with the
 *              run's parameters (lib/runs/sources/catalog.ts);
 *  - upstream: a .bt tool of the host's own bpftrace package, named by the host check's listing,
 *              read from the host over SFTP, with pinned upstream fixes applied (lib/runs/upstream.ts);
 *  - custom:   an approved version of an admin's custom script (lib/scripts; lib/runs/sources/custom.ts).
 *
 * Every source hands back text: the executor pushes it as a file (lib/ssh/remote-bpftrace.ts), never
 * as shell text, so the sha256 recorded is that of what ran. A new source is one more case below and
 * one file beside the others; the executor (lib/runs/execute.ts) does not change.
 */
import 'server-only';
import type { Client } from 'ssh2';
import type { Run } from '@/lib/db/client';
import type { Prisma } from '@/lib/db/generated/client';
import { AppError } from '@/lib/errors';
import type { HostCapabilities } from '@/lib/bpftrace/preflight';
import type { BpftraceEnv } from '@/lib/ssh/remote-bpftrace';
import type { ResultKind } from '@/lib/results/registry';
import type { ToolParser } from '@/lib/tools/types';
import { resolveCatalogScript } from '@/lib/runs/sources/catalog';
import { resolveUpstreamScript } from '@/lib/runs/upstream';
import { resolveCustomScript } from '@/lib/runs/sources/custom';
import { SCRIPT_SOURCES, type ScriptSource } from '@/lib/runs/sources/kinds';

export { SCRIPT_SOURCES, type ScriptSource };

export interface ResolvedRunScript {
  /** the text pushed to the host and run (a file in a private temp dir, never shell text) */
  scriptText: string;
  /** sha256 (hex) of scriptText */
  sha256: string;
  /** the result kind its parser produces (lib/results/registry) */
  resultKind: ResultKind;
  createParser: () => ToolParser<unknown>;
  /** extra BPFTRACE_* settings (catalog constants only) */
  env?: BpftraceEnv;
  /** stored with the run before bpftrace starts: scriptSha256 and variantId always, plus what the source records */
  record: Prisma.RunUncheckedUpdateInput & { scriptSha256: string; variantId: string };
}

export interface RunScriptContext {
  /** the open, pinned connection to the run's host (a source may read from it: upstream reads the tool's file) */
  client: Client;
  /** the host's capabilities, checked within the hour */
  caps: HostCapabilities;
  hostName: string;
}

export async function resolveRunScript(run: Run, ctx: RunScriptContext): Promise<ResolvedRunScript> {
  const source = run.scriptSource as ScriptSource;
  switch (source) {
    case 'catalog':
      return resolveCatalogScript(run, ctx);
    case 'upstream':
      return resolveUpstreamScript(run, ctx);
    case 'custom':
      return resolveCustomScript(run, ctx);
    default:
      throw new AppError('validation', `run ${run.id} has an unknown script source ${JSON.stringify(run.scriptSource).slice(0, 40)}`);
  }
}
