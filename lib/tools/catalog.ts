/**
 * The tool catalog: for each tool, what it shows, how it is drawn, what it costs, which script variants
 * exist and what each needs from a host, and its parser. Adding a tool = a script in bpftrace-tools/,
 * an entry here, a parser in lib/tools/<id>/.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { HostCapabilities, ProbeType } from '@/lib/bpftrace/preflight';
import type { BpftraceEnv } from '@/lib/ssh/remote-bpftrace';
import type { ToolParser } from '@/lib/tools/types';
import { REGISTRY } from '@/lib/tools/registry';

export type VizKind = 'flamegraph' | 'event-table' | 'latency-heatmap' | 'block-io' | 'timeseries' | 'connections';
export type OverheadClass = 'low' | 'moderate' | 'noticeable';

export interface ToolVariant {
  id: string;
  /** file name in bpftrace-tools/ */
  file: string;
  /** probe types that must attach on the host (from preflight) */
  requires: ProbeType[];
  /** tracepoints the script attaches to ("block:block_rq_issue"): must exist on the host's kernel */
  tracepoints?: string[];
  /** kprobe/kfunc functions the script attaches to ("vfs_read"), for the plain-words reason when missing */
  functions?: string[];
}

export interface ToolDef {
  id: string;
  title: string;
  summary: string;
  viz: VizKind;
  overhead: OverheadClass;
  defaultDurationSec: number;
  maxDurationSec: number;
  minDurationSec: number;
  /** variants in order of preference */
  variants: ToolVariant[];
  env?: BpftraceEnv;
  docs: { man: string; example: string };
  createParser: () => ToolParser<unknown>;
}

/** Every tool, in dashboard order. Each lives in lib/tools/<id>/index.ts (script, catalog entry, parser). */
const TOOLS: ToolDef[] = REGISTRY;

export function listTools(): ToolDef[] {
  return TOOLS;
}

export function getTool(id: string): ToolDef | undefined {
  return TOOLS.find((t) => t.id === id);
}

export type VariantChoice = { ok: true; variant: ToolVariant } | { ok: false; reason: string };

/** Pick the first variant whose probe types all attached in the host's preflight; else say why not, plainly. */
export function chooseVariant(tool: ToolDef, caps: HostCapabilities | null): VariantChoice {
  if (!caps) return { ok: false, reason: 'this host has not been checked yet (run the host check first)' };
  if (!caps.bpftraceVersion && !caps.sudoOk) return { ok: false, reason: caps.sudoMessage ?? 'bpftrace cannot run on this host' };
  const reasons: string[] = [];
  for (const v of tool.variants) {
    const missing = v.requires.filter((p) => !caps.probes[p]?.ok);
    // Hosts checked before tracepoints were listed (caps.tracepoints undefined) are not held back here.
    const missingTp = (v.tracepoints ?? []).filter((t) => caps.tracepoints && caps.tracepoints[t] !== true);
    if (missing.length === 0 && missingTp.length === 0) return { ok: true, variant: v };
    const why = missing.map((p) => caps.probes[p]?.message ?? `${p} probes are not available`);
    if (missingTp.length) why.push(`this kernel has no tracepoint ${missingTp.join(', ')}`);
    reasons.push(why.join('; '));
  }
  return { ok: false, reason: `${tool.title} cannot run here: ${[...new Set(reasons)].join(' / ')}` };
}

/** Every tracepoint any variant needs: preflight checks exactly these. */
export function wantedTracepoints(): string[] {
  return [...new Set(TOOLS.flatMap((t) => t.variants.flatMap((v) => v.tracepoints ?? [])))].sort();
}

export interface LoadedScript {
  text: string;
  sha256: string;
}

export function toolsDir(): string {
  return path.join(process.cwd(), 'bpftrace-tools');
}

export function loadScript(variant: ToolVariant): LoadedScript {
  // variant.file comes from the catalog above, never from a request
  const text = fs.readFileSync(path.join(toolsDir(), variant.file), 'utf8');
  return { text, sha256: createHash('sha256').update(text).digest('hex') };
}
