import type { ToolDef } from '@/lib/tools/catalog';
import { CHUNK_STRLEN } from '@/lib/tools/execsnoop/chunks';
import { createExecsnoopParser } from '@/lib/tools/execsnoop/parse';

/** the syscalls both variants trace, entry and exit */
const EXEC_TRACEPOINTS = ['syscalls:sys_enter_execve', 'syscalls:sys_exit_execve', 'syscalls:sys_enter_execveat', 'syscalls:sys_exit_execveat'];

export const execsnoopTool: ToolDef = {
  id: 'execsnoop',
  title: 'New processes',
  summary:
    'Every exec: time, pid, parent, uid, command name, result and the full argument list, byte-exact (empty arguments, quotes, tabs, non-UTF-8 bytes; long ones up to 1272 bytes, first 20 arguments).',
  viz: 'event-table',
  viewLabel: 'New processes (execsnoop)',
  // execs are rare next to syscalls; a printf per argument chunk
  overhead: 'low',
  defaultDurationSec: 30,
  minDurationSec: 5,
  maxDurationSec: 120,
  variants: [
    // parent pid from curtask->real_parent: right for every process, needs BTF
    { id: 'execsnoop', file: 'execsnoop.bt', requires: ['tracepoint', 'interval'], tracepoints: EXEC_TRACEPOINTS, btf: true },
    // no BTF: parent pid remembered from sched_process_fork (unknown for processes forked before the run)
    {
      id: 'execsnoop-nobtf',
      file: 'execsnoop.nobtf.bt',
      requires: ['tracepoint', 'interval'],
      tracepoints: [...EXEC_TRACEPOINTS, 'sched:sched_process_fork', 'sched:sched_process_exit'],
    },
  ],
  // 0.17: str() reads BPFTRACE_STRLEN bytes at most (the scripts read 160-byte chunks).
  // 0.23: BPFTRACE_STRLEN is deprecated (a warning) and would set BPFTRACE_MAX_STRLEN to 160, which
  // makes 0.23 append ".." to every full chunk; MAX_STRLEN=1024 (its default) wins over it.
  env: { BPFTRACE_STRLEN: CHUNK_STRLEN, BPFTRACE_MAX_STRLEN: 1024 },
  docs: {
    man: 'https://github.com/iovisor/bcc/blob/master/man/man8/execsnoop.8',
    example: 'https://github.com/iovisor/bcc/blob/master/tools/execsnoop_example.txt',
  },
  // the maps its script prints at exit (an import without a tool is recognised by them)
  detect: (m) => m.has('@execs'),
  createParser: () => createExecsnoopParser(),
};
