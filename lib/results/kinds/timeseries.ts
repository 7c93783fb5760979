/** cachestat: one point per second. */
import type { ResultKindDescriptor } from '@/lib/results/descriptor';
import type { EventCellValue, TimeSeriesResult } from '@/lib/tools/types';
import { toCsv } from '@/lib/viz/csv';
import { statsLine } from '@/lib/results/kinds/common';

export const timeseriesKind: ResultKindDescriptor<TimeSeriesResult, 'timeseries'> = {
  kind: 'timeseries',
  viz: 'timeseries',
  label: 'Time series',
  summary: (t) => [`${t.points.length} points (${t.method}); ${statsLine(t.stats)}`],
  notices: () => [],
  csv: (result) =>
    toCsv(
      [
        { key: 'tSec', label: 't_sec' },
        { key: 'hitsPerSec', label: 'hits_per_sec' },
        { key: 'missesPerSec', label: 'misses_per_sec' },
        { key: 'dirtiesPerSec', label: 'dirties_per_sec' },
        { key: 'hitRatioPct', label: 'hit_ratio_pct' },
      ],
      result.points as unknown as Array<Record<string, EventCellValue>>,
    ),
  isEmpty: (t) => t.points.length === 0,
  exportFormats: ['csv'],
  compare: null,
};
