/**
 * CSV of a tool result, for the kinds that are tables: each kind's descriptor writes its own
 * (lib/results/kinds/: event rows with toCsv, RFC 4180 + formula guard; latency heat maps one line per
 * (second, bucket); time series one line per point). Flame graphs have no CSV (folded stacks instead): null.
 */
import { descriptorOf } from '@/lib/results/registry';
import type { ToolResult } from '@/lib/tools/types';

export function resultToCsv(result: ToolResult): string | null {
  return descriptorOf(result)?.csv(result) ?? null;
}
