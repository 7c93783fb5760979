/**
 * Parser of bpftrace-tools/runqlat.bt output (see the protocol in its header): a "tick" marker and the
 * double-buffered @usecs_a / @usecs_b histogram every second, "end" and the exit dump (@samples = the
 * kernel's count of recorded waits), into a latency heat map in microseconds.
 */
import { createLatencyHeatmapParser, type LatencyHeatmapParserOptions } from '@/lib/tools/histogram';
import type { LatencyHeatmapResult, ToolParser } from '@/lib/tools/types';

export const RUNQLAT_PROTOCOL: LatencyHeatmapParserOptions = {
  unit: 'us',
  histMaps: ['@usecs_a', '@usecs_b'],
  countMap: '@samples',
  scratchMaps: ['@qtime'],
};

export function createRunqlatParser(opts: { maxColumns?: number } = {}): ToolParser<LatencyHeatmapResult> {
  return createLatencyHeatmapParser({ ...RUNQLAT_PROTOCOL, ...opts });
}
