import type { ToolDef } from '@/lib/tools/catalog';
import { createTcpretransParser } from '@/lib/tools/tcpretrans/parse';

export const tcpretransTool: ToolDef = {
  id: 'tcpretrans',
  title: 'TCP retransmits',
  summary: 'Every TCP retransmit (and retransmitted SYN-ACK): when, which connection and state, how many segments, and which process owns the socket.',
  viz: 'event-table',
  viewLabel: 'TCP retransmits (tcpretrans)',
  // retransmits and TCP state changes only
  overhead: 'low',
  defaultDurationSec: 30,
  minDurationSec: 5,
  maxDurationSec: 300,
  variants: [
    {
      id: 'tcpretrans',
      file: 'tcpretrans.bt',
      requires: ['tracepoint'],
      tracepoints: ['tcp:tcp_retransmit_skb', 'tcp:tcp_retransmit_synack', 'sock:inet_sock_set_state'],
      btf: true,
    },
  ],
  // socket owners and retransmit counters live in maps keyed by socket: room for busy servers
  env: { BPFTRACE_MAP_KEYS_MAX: 65_536 },
  docs: {
    man: 'https://github.com/iovisor/bcc/blob/master/man/man8/tcpretrans.8',
    example: 'https://github.com/iovisor/bcc/blob/master/tools/tcpretrans_example.txt',
  },
  createParser: () => createTcpretransParser(),
};
