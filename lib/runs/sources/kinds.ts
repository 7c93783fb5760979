/**
 * The script sources of runs (Run.scriptSource) and what a run's result is drawn with. Pure (no
 * server-only imports): pages, public run objects, reports and exports use it.
 */
import { getTool } from '@/lib/tools/catalog';
import type { VizKind } from '@/lib/results/registry';

export const SCRIPT_SOURCES = ['catalog', 'upstream', 'custom'] as const;
export type ScriptSource = (typeof SCRIPT_SOURCES)[number];

export { UPSTREAM_TOOL_ID_SUFFIX, RUN_TOOL_ID_RE } from '@/lib/runs/tool-id';

/** The visualization of a run's result: the catalog tool's, else the generic views (chosen by the output's shape). */
export function runViz(run: { scriptSource: string; toolId: string }): VizKind {
  if (run.scriptSource === 'catalog') return getTool(run.toolId)?.viz ?? 'generic';
  return 'generic';
}

/**
 * A run's title for people: the catalog tool's title, the script's own name ("runqlat.bt"), or a custom
 * script's name and version (its scriptPath, "opens v2", set by lib/scripts/run.ts).
 */
export function runTitle(run: { scriptSource: string; toolId: string; scriptPath?: string | null }): string {
  if (run.scriptSource === 'catalog') return getTool(run.toolId)?.title ?? run.toolId;
  if (run.scriptSource === 'upstream') return `${run.toolId} (upstream)`;
  if (run.scriptSource === 'custom') return `${run.scriptPath ?? 'custom script'} (custom script)`;
  return run.toolId;
}
