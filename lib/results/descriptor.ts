/**
 * One descriptor per result kind: everything the server, the CLI and exports need to know about a kind
 * of result, in one place. Adding a kind = one file in lib/results/kinds/ + one line in
 * lib/results/registry.ts + its React view in components/viz/kinds/ (views live apart because server
 * code cannot import React components). The registry conformance test (tests/unit/result-kinds.test.ts)
 * fails when a kind or a tool misses a part.
 */
import type { ResultStats } from '@/lib/tools/types';
import type { ResultNotice } from '@/lib/viz/notices-base';

/** Derived export formats a kind can offer (raw and json apply to every result). */
export type DerivedFormat = 'csv' | 'folded' | 'pprof' | 'svg';

export interface ResultKindDescriptor<R extends { kind: string; stats: ResultStats } = { kind: string; stats: ResultStats }, V extends string = string> {
  /** the `kind` member of results of this kind */
  kind: R['kind'];
  /**
   * the visualization name tools declare and reports store (ReportItem.viz); kept as stored values
   * ('flamegraph', 'event-table', ...) so existing reports still resolve
   */
  viz: V;
  /** what the view is, for people ("Event table") */
  label: string;
  /** terminal lines (bpfdeck run/import without --json); text from hosts must go through safeText */
  summary(result: R): string[];
  /** kind-specific notices (lost events, malformed lines and helper errors are added for every kind) */
  notices(result: R): ResultNotice[];
  /**
   * the result holds nothing of its tool's output (no events, no samples, no histograms): with records
   * in the capture, the tool's parser did not recognise them (import then falls back to the generic result)
   */
  isEmpty(result: R): boolean;
  /** CSV file of the result, or null when the kind has no table */
  csv(result: R): string | null;
  /** derived export formats offered, in menu order */
  exportFormats: readonly DerivedFormat[];
  /** how two results can be compared; null = not comparable */
  compare: 'profile' | 'latency' | null;
}
