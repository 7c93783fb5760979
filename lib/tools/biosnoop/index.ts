import type { ToolDef } from '@/lib/tools/catalog';
import { createBiosnoopParser } from '@/lib/tools/biosnoop/parse';

export const biosnoopTool: ToolDef = {
  id: 'biosnoop',
  title: 'Block I/O events',
  summary:
    'Every disk request: time, disk, read/write, sector, size, latency, queued time and the process that submitted it, with a time x disk-offset heat map.',
  viz: 'block-io',
  viewLabel: 'Block I/O (biosnoop)',
  // one printf per I/O
  overhead: 'moderate',
  defaultDurationSec: 30,
  minDurationSec: 5,
  maxDurationSec: 120,
  variants: [
    // block_io_start (Linux >= 6.5) fires in the submitter's context for every request
    {
      id: 'biosnoop',
      file: 'biosnoop.bt',
      requires: ['tracepoint'],
      tracepoints: ['block:block_io_start', 'block:block_rq_issue', 'block:block_rq_complete'],
    },
    // older kernels: block_rq_insert, with the issuer's pid for requests that skip the scheduler queue
    {
      id: 'biosnoop-rq',
      file: 'biosnoop.rq.bt',
      requires: ['tracepoint'],
      tracepoints: ['block:block_rq_insert', 'block:block_rq_issue', 'block:block_rq_complete'],
    },
  ],
  docs: {
    man: 'https://github.com/iovisor/bcc/blob/master/man/man8/biosnoop.8',
    example: 'https://github.com/iovisor/bcc/blob/master/tools/biosnoop_example.txt',
  },
  // the maps its script prints at exit (an import without a tool is recognised by them)
  detect: (m) => m.has('@events') && m.has('@reissued'),
  createParser: () => createBiosnoopParser(),
};
