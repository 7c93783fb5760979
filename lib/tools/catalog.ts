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
import { invalid } from '@/lib/errors';
import { REGISTRY } from '@/lib/tools/registry';

/** the visualization names are the result kinds' (lib/results/registry.ts): one list, not two */
export type { VizKind } from '@/lib/results/registry';
import type { VizKind } from '@/lib/results/registry';
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
  /** the script reads kernel structs (curtask->files, struct file) through the kernel's BTF */
  btf?: boolean;
}

/**
 * A numeric tool parameter (e.g. ext4slower's latency threshold). Scripts are fixed catalog files:
 * a parameter's only way into one is the number of its `#define <define> <integer>` line, which
 * renderScript() rewrites with a validated integer. No request text ever reaches a script or a shell.
 */
export interface ToolParam {
  /** the key in run requests ("minLatencyMs") */
  name: string;
  label: string;
  description: string;
  /** integers only, inclusive bounds */
  min: number;
  max: number;
  default: number;
  /** macro name in every variant's script: exactly one line `#define <define> <integer>` */
  define: string;
}

/** parameter name -> integer value, validated against the tool's ToolParam list */
export type ToolParamValues = Record<string, number>;

export interface ToolDef {
  id: string;
  title: string;
  summary: string;
  viz: VizKind;
  /** the view's name for people ("Run queue latency (runqlat)"): headings, accessible names */
  viewLabel: string;
  /** what one count of a latency heat map is, plural ("wakeups"); latency-heatmap tools only */
  countNoun?: string;
  overhead: OverheadClass;
  defaultDurationSec: number;
  maxDurationSec: number;
  minDurationSec: number;
  /** variants in order of preference */
  variants: ToolVariant[];
  env?: BpftraceEnv;
  /** settable numbers (see ToolParam); none for most tools */
  params?: ToolParam[];
  docs: { man: string; example: string };
  createParser: () => ToolParser<unknown>;
  /**
   * Recognises a capture of this tool's own script from the names of the maps it printed (profile's
   * @stacks_a/@stacks_b): an import without a tool then gets this tool's view, if its parser finds
   * data (else the generic one). Absent for tools that print no maps of their own at exit.
   */
  detect?: (mapNames: ReadonlySet<string>) => boolean;
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
    // A tracepoint the last check did not ask about (added to the catalog since) is not held against it.
    const missingTp = (v.tracepoints ?? []).filter((t) => caps.tracepoints?.[t] === false);
    const missingBtf = v.btf === true && caps.btf === false;
    if (missing.length === 0 && missingTp.length === 0 && !missingBtf) return { ok: true, variant: v };
    const why = missing.map((p) => caps.probes[p]?.message ?? `${p} probes are not available`);
    if (missingTp.length) why.push(`this kernel has no tracepoint ${missingTp.join(', ')}`);
    if (missingBtf) why.push('needs kernel BTF (/sys/kernel/btf/vmlinux): this kernel was built without CONFIG_DEBUG_INFO_BTF');
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

/**
 * The tool's parameter values for a run: each requested value checked (known name, integer, in range),
 * the others at their defaults. Throws a validation AppError naming the parameter.
 */
export function resolveParams(tool: ToolDef, requested: Readonly<Record<string, unknown>> = {}): ToolParamValues {
  const defs = tool.params ?? [];
  for (const name of Object.keys(requested)) {
    if (!defs.some((d) => d.name === name)) {
      throw invalid(
        `${tool.title} has no parameter ${JSON.stringify(name).slice(0, 40)}${defs.length ? ` (it has: ${defs.map((d) => d.name).join(', ')})` : ''}`,
      );
    }
  }
  const values: ToolParamValues = {};
  for (const d of defs) {
    const v = Object.hasOwn(requested, d.name) ? requested[d.name] : d.default;
    if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < d.min || v > d.max) {
      throw invalid(`${d.name}: a whole number from ${d.min} to ${d.max} (got ${String(v).slice(0, 40)})`);
    }
    values[d.name] = v;
  }
  return values;
}

/**
 * The script text with each parameter's `#define <define> <integer>` line set to its value. The line
 * must occur exactly once (a catalog bug otherwise); values are checked again here, and are only
 * ever written as decimal integers.
 */
export function renderScript(text: string, params: readonly ToolParam[], values: ToolParamValues): string {
  let out = text;
  for (const d of params) {
    const v = values[d.name] ?? d.default;
    if (!Number.isSafeInteger(v) || v < d.min || v > d.max) throw invalid(`${d.name}: ${v} is out of range`);
    if (!/^[A-Z][A-Z0-9_]*$/.test(d.define)) throw new Error(`catalog bug: bad macro name ${d.define}`);
    const line = new RegExp(`^#define ${d.define} -?\\d+[ \\t]*$`, 'gm');
    const found = out.match(line)?.length ?? 0;
    if (found !== 1) throw new Error(`catalog bug: ${found} lines "#define ${d.define} <integer>" in the script (need exactly 1)`);
    out = out.replace(line, `#define ${d.define} ${v.toFixed(0)}`);
  }
  return out;
}

/** The variant's script, with the tool's parameters applied (defaults when `values` is omitted). */
export function loadScript(variant: ToolVariant, tool?: ToolDef, values?: ToolParamValues): LoadedScript {
  // variant.file comes from the catalog above, never from a request
  const raw = fs.readFileSync(path.join(toolsDir(), variant.file), 'utf8');
  const text = tool?.params?.length ? renderScript(raw, tool.params, values ?? resolveParams(tool)) : raw;
  return { text, sha256: createHash('sha256').update(text).digest('hex') };
}
