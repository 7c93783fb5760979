import type { ToolDef } from '@/lib/tools/catalog';
import { createCachestatParser } from '@/lib/tools/cachestat/parse';

/** read-like syscalls whose exit cuts a short read's page count down to the bytes it returned */
const READ_SYSCALLS = ['read', 'pread64', 'readv', 'preadv', 'preadv2', 'sendfile64', 'splice', 'copy_file_range'];

export const cachestatTool: ToolDef = {
  id: 'cachestat',
  title: 'Page cache hit ratio',
  summary: 'Page cache hits, misses and dirtied pages per second, system-wide, with the hit ratio: is the working set in memory?',
  viz: 'timeseries',
  viewLabel: 'Page cache (cachestat)',
  // every buffered read, file page fault and page cache insertion runs a few map operations
  overhead: 'moderate',
  defaultDurationSec: 30,
  minDurationSec: 5,
  maxDurationSec: 300,
  variants: [
    // Linux >= 6.11: page-exact, and buffered writes are not taken for misses (see the script header)
    {
      id: 'cachestat',
      file: 'cachestat.bt',
      requires: ['tracepoint', 'interval'],
      tracepoints: [
        'filemap:mm_filemap_get_pages',
        'filemap:mm_filemap_fault',
        'filemap:mm_filemap_add_to_page_cache',
        'writeback:writeback_dirty_folio',
        'sched:sched_process_exit',
        ...READ_SYSCALLS.map((s) => `syscalls:sys_exit_${s}`),
      ],
    },
    // upstream's method, for kernels with kprobes but without the filemap tracepoints above
    {
      id: 'cachestat-kprobe',
      file: 'cachestat.kprobe.bt',
      requires: ['kprobe', 'tracepoint', 'interval'],
      tracepoints: ['writeback:writeback_dirty_folio'],
      functions: ['folio_mark_accessed', 'filemap_add_folio', 'mark_buffer_dirty'],
    },
  ],
  // per-thread read state lives in maps keyed by tid: room for many threads
  env: { BPFTRACE_MAP_KEYS_MAX: 16_384 },
  docs: {
    man: 'https://github.com/iovisor/bcc/blob/master/man/man8/cachestat.8',
    example: 'https://github.com/iovisor/bcc/blob/master/tools/cachestat_example.txt',
  },
  createParser: () => createCachestatParser(),
};
