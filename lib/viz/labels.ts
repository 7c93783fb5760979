/**
 * Human names of the tools' views, and what one count of a latency heat map is (server and client):
 * read from the tool definitions (lib/tools/<id>/index.ts), so a tool's data stays in its folder.
 */
import { REGISTRY } from '@/lib/tools/registry';

export const TOOL_LABELS: Readonly<Record<string, { label: string; countNoun?: string }>> = Object.fromEntries(
  REGISTRY.map((t) => [t.id, { label: t.viewLabel, ...(t.countNoun ? { countNoun: t.countNoun } : {}) }]),
);

export function toolLabel(toolId: string): string {
  return TOOL_LABELS[toolId]?.label ?? toolId;
}
