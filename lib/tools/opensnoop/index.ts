import type { ToolDef } from '@/lib/tools/catalog';
import { CHUNK_STRLEN } from '@/lib/tools/execsnoop/chunks';
import { createOpensnoopParser } from '@/lib/tools/opensnoop/parse';

/** entry and exit tracepoints of one syscall */
const sys = (name: string) => [`syscalls:sys_enter_${name}`, `syscalls:sys_exit_${name}`];

export const opensnoopTool: ToolDef = {
  id: 'opensnoop',
  title: 'Files opened',
  summary: 'Every open(), openat() and openat2(): time, process, fd or error, flags and the path as passed, byte-exact (any bytes in names; up to 1272 bytes).',
  viz: 'event-table',
  viewLabel: 'File opens (opensnoop)',
  // a printf per open: busy hosts open tens of thousands of files a second
  overhead: 'moderate',
  defaultDurationSec: 20,
  minDurationSec: 5,
  maxDurationSec: 60,
  // Same program in each; only the syscalls it attaches to differ: open(2) does not exist on arm64 or
  // riscv, openat2(2) only since Linux 5.6. The first whose tracepoints all exist wins.
  variants: [
    { id: 'opensnoop', file: 'opensnoop.bt', requires: ['tracepoint', 'interval'], tracepoints: [...sys('open'), ...sys('openat'), ...sys('openat2')] },
    { id: 'opensnoop-noopen', file: 'opensnoop.noopen.bt', requires: ['tracepoint', 'interval'], tracepoints: [...sys('openat'), ...sys('openat2')] },
    { id: 'opensnoop-noopenat2', file: 'opensnoop.noopenat2.bt', requires: ['tracepoint', 'interval'], tracepoints: [...sys('open'), ...sys('openat')] },
    { id: 'opensnoop-openat', file: 'opensnoop.openat.bt', requires: ['tracepoint', 'interval'], tracepoints: sys('openat') },
  ],
  // see execsnoop: 160-byte str() reads on 0.17, no ".." trailer on 0.23
  env: { BPFTRACE_STRLEN: CHUNK_STRLEN, BPFTRACE_MAX_STRLEN: 1024 },
  docs: {
    man: 'https://github.com/iovisor/bcc/blob/master/man/man8/opensnoop.8',
    example: 'https://github.com/iovisor/bcc/blob/master/tools/opensnoop_example.txt',
  },
  // the maps its script prints at exit (an import without a tool is recognised by them)
  detect: (m) => m.has('@opens'),
  createParser: () => createOpensnoopParser(),
};
