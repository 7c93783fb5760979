import type { ToolDef, ToolParam } from '@/lib/tools/catalog';
import { createExt4SlowerParser } from '@/lib/tools/ext4slower/parse';

/**
 * The latency threshold. A number substituted into the script's `#define MIN_LATENCY_MS <n>` line
 * (catalog.ts renderScript), rather than one script file per threshold: any whole number of ms works,
 * the value is a validated integer (never request text), and the pushed script's sha256 covers it.
 */
export const EXT4SLOWER_THRESHOLD: ToolParam = {
  name: 'minLatencyMs',
  label: 'Threshold (ms)',
  description: 'show operations at least this slow; 0 shows every ext4 read, write, open and fsync (can be many events)',
  min: 0,
  max: 60_000,
  default: 10,
  define: 'MIN_LATENCY_MS',
};

/** syscalls whose entry and exit the tracepoint variant uses */
const SYSCALLS = [
  'read',
  'readv',
  'write',
  'writev',
  'pread64',
  'pwrite64',
  'preadv',
  'preadv2',
  'pwritev',
  'pwritev2',
  'openat',
  'openat2',
  'fsync',
  'fdatasync',
];

export const ext4slowerTool: ToolDef = {
  id: 'ext4slower',
  title: 'Slow ext4 operations',
  summary:
    'ext4 reads, writes, opens and fsyncs slower than a threshold (default 10 ms): who, which file, how many bytes at which offset, and how long it took.',
  viz: 'event-table',
  viewLabel: 'Slow ext4 operations (ext4slower)',
  // tracepoint variant: every read/write/open syscall is looked at (a few pointer reads; map updates
  // only for ext4 files and opens); only slow operations are printed
  overhead: 'moderate',
  defaultDurationSec: 30,
  minDurationSec: 5,
  maxDurationSec: 300,
  variants: [
    // upstream's probes: ext4 functions only, whatever the syscall (io_uring, sendfile, ...)
    {
      id: 'ext4slower-kprobe',
      file: 'ext4slower.kprobe.bt',
      requires: ['kprobe', 'tracepoint'],
      tracepoints: ['sched:sched_process_exit'],
      functions: ['ext4_file_read_iter', 'ext4_file_write_iter', 'ext4_file_open', 'ext4_sync_file'],
      btf: true,
    },
    // kernels without kprobes: syscalls + ext4's sync tracepoints, files told apart through BTF
    {
      id: 'ext4slower',
      file: 'ext4slower.bt',
      requires: ['tracepoint'],
      tracepoints: [
        ...SYSCALLS.flatMap((s) => [`syscalls:sys_enter_${s}`, `syscalls:sys_exit_${s}`]),
        'ext4:ext4_sync_file_enter',
        'ext4:ext4_sync_file_exit',
        'sched:sched_process_exit',
      ],
      btf: true,
    },
  ],
  params: [EXT4SLOWER_THRESHOLD],
  docs: {
    man: 'https://github.com/iovisor/bcc/blob/master/man/man8/ext4slower.8',
    example: 'https://github.com/iovisor/bcc/blob/master/tools/ext4slower_example.txt',
  },
  // the maps its script prints at exit (an import without a tool is recognised by them)
  detect: (m) => m.has('@slow') && m.has('@ops_r'),
  createParser: () => createExt4SlowerParser(),
};
