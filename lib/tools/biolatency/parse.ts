/**
 * Parser of bpftrace-tools/biolatency.bt output (see the protocol in its header): a "tick" marker and
 * the double-buffered @usecs_a / @usecs_b histogram every second, "end" and the exit dump (@ios = the
 * kernel's count of recorded latencies, @unmatched = completions whose issue was not seen, @start =
 * requests whose completion was not seen), into a latency heat map in microseconds.
 */
import { createLatencyHeatmapParser, type LatencyHeatmapParserOptions } from '@/lib/tools/histogram';
import type { LatencyHeatmapResult, ToolParser } from '@/lib/tools/types';

export const BIOLATENCY_PROTOCOL: LatencyHeatmapParserOptions = {
  unit: 'us',
  histMaps: ['@usecs_a', '@usecs_b'],
  countMap: '@ios',
  unmatchedMap: '@unmatched',
  pendingMap: '@start',
};

export function createBiolatencyParser(opts: { maxColumns?: number } = {}): ToolParser<LatencyHeatmapResult> {
  return createLatencyHeatmapParser({ ...BIOLATENCY_PROTOCOL, ...opts });
}
