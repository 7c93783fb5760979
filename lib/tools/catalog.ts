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
import { createProfileParser } from '@/lib/tools/profile/parse';

export type VizKind = 'flamegraph' | 'event-table' | 'latency-heatmap' | 'timeseries' | 'connections';
export type OverheadClass = 'low' | 'moderate' | 'noticeable';

export interface ToolVariant {
  id: string;
  /** file name in bpftrace-tools/ */
  file: string;
  /** probe types that must attach on the host (from preflight) */
  requires: ProbeType[];
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

export const PROFILE_SAMPLE_HZ = 99;

const TOOLS: ToolDef[] = [
  {
    id: 'profile',
    title: 'CPU profile',
    summary: 'On-CPU kernel and user stacks sampled at 99 Hz on every CPU, drawn as a flame graph.',
    viz: 'flamegraph',
    overhead: 'noticeable',
    defaultDurationSec: 30,
    minDurationSec: 10,
    maxDurationSec: 60,
    variants: [{ id: 'profile', file: 'profile.bt', requires: ['profile', 'interval'] }],
    // bpftrace re-reads a process's ELF symbols for every user stack it prints unless told to cache them
    // (the default when ASLR is on). With big binaries (node, JVMs) 0.17 then needs minutes to print
    // the maps at exit. Caching per pid is safe for a run of at most 60 s.
    env: { BPFTRACE_CACHE_USER_SYMBOLS: 1 },
    docs: {
      man: 'https://github.com/iovisor/bcc/blob/master/man/man8/profile.8',
      example: 'https://github.com/iovisor/bcc/blob/master/tools/profile_example.txt',
    },
    createParser: () => createProfileParser({ sampleHz: PROFILE_SAMPLE_HZ }),
  },
];

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
    if (missing.length === 0) return { ok: true, variant: v };
    reasons.push(missing.map((p) => caps.probes[p]?.message ?? `${p} probes are not available`).join('; '));
  }
  return { ok: false, reason: `${tool.title} cannot run here: ${[...new Set(reasons)].join(' / ')}` };
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
