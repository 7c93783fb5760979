import type { ToolDef } from '@/lib/tools/catalog';
import { createBiolatencyParser } from '@/lib/tools/biolatency/parse';

export const biolatencyTool: ToolDef = {
  id: 'biolatency',
  title: 'Block I/O latency',
  summary: 'Disk I/O latency (issue to completion, all disks) as a log2 histogram in microseconds every second, drawn as a heat map with p50/p90/p99.',
  viz: 'latency-heatmap',
  viewLabel: 'Block I/O latency (biolatency)',
  countNoun: 'I/Os',
  overhead: 'low',
  defaultDurationSec: 30,
  minDurationSec: 5,
  maxDurationSec: 300,
  variants: [
    {
      id: 'biolatency',
      file: 'biolatency.bt',
      requires: ['tracepoint', 'interval'],
      tracepoints: ['block:block_rq_issue', 'block:block_rq_complete'],
    },
  ],
  docs: {
    man: 'https://github.com/iovisor/bcc/blob/master/man/man8/biolatency.8',
    example: 'https://github.com/iovisor/bcc/blob/master/tools/biolatency_example.txt',
  },
  // the maps its script prints at exit (an import without a tool is recognised by them)
  detect: (m) => (m.has('@usecs_a') || m.has('@usecs_b')) && m.has('@ios'),
  createParser: () => createBiolatencyParser(),
};
