import type { ToolDef } from '@/lib/tools/catalog';
import { createRunqlatParser } from '@/lib/tools/runqlat/parse';

export const runqlatTool: ToolDef = {
  id: 'runqlat',
  title: 'Run queue latency',
  summary:
    'How long runnable threads wait for a CPU (wakeup or preemption to running), as a log2 histogram in microseconds every second, drawn as a heat map with p50/p90/p99.',
  viz: 'latency-heatmap',
  viewLabel: 'Run queue latency (runqlat)',
  countNoun: 'wakeups',
  // a map update on every wakeup and context switch
  overhead: 'noticeable',
  defaultDurationSec: 30,
  minDurationSec: 5,
  maxDurationSec: 60,
  variants: [
    {
      id: 'runqlat',
      file: 'runqlat.bt',
      requires: ['tracepoint', 'interval'],
      tracepoints: ['sched:sched_wakeup', 'sched:sched_wakeup_new', 'sched:sched_switch'],
    },
  ],
  docs: {
    man: 'https://github.com/iovisor/bcc/blob/master/man/man8/runqlat.8',
    example: 'https://github.com/iovisor/bcc/blob/master/tools/runqlat_example.txt',
  },
  // the maps its script prints at exit (an import without a tool is recognised by them)
  detect: (m) => (m.has('@usecs_a') || m.has('@usecs_b')) && m.has('@samples') && !m.has('@ios'),
  createParser: () => createRunqlatParser(),
};
