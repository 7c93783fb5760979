/**
 * `bpfdeck tools`: the catalog, and for each registered host the variant each tool gets there (or why
 * it cannot run), decided by chooseVariant on the capabilities stored by the host's last check.
 */
import type { HostCapabilities } from '@/lib/bpftrace/preflight';
import { config } from '@/lib/env';
import { databaseMayHoldData } from '@/lib/db/url';
import { chooseVariant, type ToolDef } from '@/lib/tools/catalog';

export interface ToolsReport {
  tools: Array<{
    id: string;
    title: string;
    summary: string;
    viz: string;
    overhead: string;
    durationSec: { default: number; min: number; max: number };
    variants: Array<{ id: string; file: string; requires: string[]; tracepoints: number; functions: string[]; btf: boolean }>;
    params: Array<{ name: string; default: number; min: number; max: number; description: string }>;
  }>;
  /** the database file (or PostgreSQL URL without its password), or null if there is no SQLite file yet (then no host is registered) */
  database: string | null;
  hosts: Array<{
    name: string;
    address: string;
    port: number;
    /** when its capabilities were checked; null: never */
    checkedAt: string | null;
    bpftraceVersion: string | null;
    kernelRelease: string | null;
    tools: Array<{ id: string; variant: string | null; reason: string | null }>;
  }>;
}

export interface HostLike {
  name: string;
  address: string;
  port: number;
  capabilities: HostCapabilities | null;
}

/** Pure: the report for a catalog and a list of hosts. */
export function buildToolsReport(tools: readonly ToolDef[], hosts: readonly HostLike[], database: string | null): ToolsReport {
  return {
    tools: tools.map((t) => ({
      id: t.id,
      title: t.title,
      summary: t.summary,
      viz: t.viz,
      overhead: t.overhead,
      durationSec: { default: t.defaultDurationSec, min: t.minDurationSec, max: t.maxDurationSec },
      variants: t.variants.map((v) => ({
        id: v.id,
        file: v.file,
        requires: [...v.requires],
        tracepoints: v.tracepoints?.length ?? 0,
        functions: [...(v.functions ?? [])],
        btf: v.btf === true,
      })),
      params: (t.params ?? []).map((p) => ({ name: p.name, default: p.default, min: p.min, max: p.max, description: p.description })),
    })),
    database,
    hosts: hosts.map((h) => ({
      name: h.name,
      address: h.address,
      port: h.port,
      checkedAt: h.capabilities?.checkedAt ?? null,
      bpftraceVersion: h.capabilities?.bpftraceVersion ?? null,
      kernelRelease: h.capabilities?.kernelRelease ?? null,
      tools: tools.map((t) => {
        const c = chooseVariant(t, h.capabilities);
        return c.ok ? { id: t.id, variant: c.variant.id, reason: null } : { id: t.id, variant: null, reason: c.reason };
      }),
    })),
  };
}

function pad(s: string, n: number): string {
  return s.length >= n ? s : s + ' '.repeat(n - s.length);
}

/** Pure: the report as text for a terminal. */
export function formatToolsReport(r: ToolsReport): string {
  const out: string[] = ['TOOLS'];
  const idW = Math.max(4, ...r.tools.map((t) => t.id.length)) + 2;
  const titleW = Math.max(5, ...r.tools.map((t) => t.title.length)) + 2;
  out.push(`  ${pad('ID', idW)}${pad('TITLE', titleW)}${pad('OVERHEAD', 12)}${pad('DURATION s (default, min-max)', 31)}VARIANTS (needs)`);
  for (const t of r.tools) {
    const variants = t.variants.map((v) => `${v.id} (${[...v.requires, ...(v.btf ? ['BTF'] : [])].join(', ')})`).join(', ');
    const dur = `${t.durationSec.default}, ${t.durationSec.min}-${t.durationSec.max}`;
    out.push(`  ${pad(t.id, idW)}${pad(t.title, titleW)}${pad(t.overhead, 12)}${pad(dur, 31)}${variants}`);
    for (const p of t.params) out.push(`  ${pad('', idW)}parameter ${p.name}: ${p.min}..${p.max}, default ${p.default} (${p.description})`);
  }
  out.push('');
  if (r.database === null) {
    out.push("HOSTS: none (no database yet; BPFDECK_DATA_DIR is the server's data directory)");
    return out.join('\n') + '\n';
  }
  out.push(`HOSTS (database ${r.database})${r.hosts.length ? '' : ': none registered'}`);
  for (const h of r.hosts) {
    const checked = h.checkedAt ? `checked ${h.checkedAt}, bpftrace ${h.bpftraceVersion ?? 'unusable'}, kernel ${h.kernelRelease ?? '?'}` : 'never checked';
    out.push(`  ${h.name} (${h.address}:${h.port}; ${checked})`);
    for (const t of h.tools) out.push(`    ${pad(t.id, idW)}${t.variant ? t.variant : `cannot run: ${t.reason}`}`);
  }
  return out.join('\n') + '\n';
}

/** The report for the catalog and the hosts in the server's database (not created if absent). */
export async function toolsReport(tools: readonly ToolDef[]): Promise<ToolsReport> {
  const { database, databaseFile } = config();
  if (!databaseMayHoldData(database)) return buildToolsReport(tools, [], null);
  const { listHosts } = await import('@/lib/hosts/service');
  return buildToolsReport(tools, await listHosts(), databaseFile);
}
