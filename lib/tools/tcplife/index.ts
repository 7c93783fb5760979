import type { ToolDef } from '@/lib/tools/catalog';
import { createTcplifeParser } from '@/lib/tools/tcplife/parse';

export const tcplifeTool: ToolDef = {
  id: 'tcplife',
  title: 'TCP sessions',
  summary:
    'TCP sessions that closed while tracing: which process, local and remote address and port, bytes each way and how long each lasted; with a graph of who talked to whom.',
  viz: 'connections',
  viewLabel: 'TCP sessions (tcplife)',
  // TCP state changes only (a few per connection), never per packet
  overhead: 'low',
  defaultDurationSec: 30,
  minDurationSec: 5,
  maxDurationSec: 300,
  variants: [{ id: 'tcplife', file: 'tcplife.bt', requires: ['tracepoint'], tracepoints: ['sock:inet_sock_set_state'], btf: true }],
  // sockets are tracked from their start to their close in maps keyed by socket: room for busy servers
  env: { BPFTRACE_MAP_KEYS_MAX: 65_536 },
  docs: {
    man: 'https://github.com/iovisor/bcc/blob/master/man/man8/tcplife.8',
    example: 'https://github.com/iovisor/bcc/blob/master/tools/tcplife_example.txt',
  },
  createParser: () => createTcplifeParser(),
};
