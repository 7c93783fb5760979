import type { ToolDef } from '@/lib/tools/catalog';
import { createProfileParser } from '@/lib/tools/profile/parse';

export const PROFILE_SAMPLE_HZ = 99;

export const profileTool: ToolDef = {
  id: 'profile',
  title: 'CPU profile',
  summary: 'On-CPU kernel and user stacks sampled at 99 Hz on every CPU, drawn as a flame graph.',
  viz: 'flamegraph',
  viewLabel: 'CPU flame graph',
  overhead: 'noticeable',
  defaultDurationSec: 30,
  minDurationSec: 10,
  maxDurationSec: 60,
  variants: [{ id: 'profile', file: 'profile.bt', requires: ['profile', 'interval'] }],
  // bpftrace re-reads a process's ELF symbols for every user stack it prints unless told to cache them
  // (the default when ASLR is on). With big binaries (node, JVMs) 0.17 then needs minutes to print
  // the maps at exit. Caching per pid is safe for a run of at most 60 s.
  env: { BPFTRACE_CACHE_USER_SYMBOLS: 1 },
  docs: {
    man: 'https://github.com/iovisor/bcc/blob/master/man/man8/profile.8',
    example: 'https://github.com/iovisor/bcc/blob/master/tools/profile_example.txt',
  },
  // the maps its script prints at exit (an import without a tool is recognised by them)
  detect: (m) => m.has('@stacks_a') || m.has('@stacks_b'),
  createParser: () => createProfileParser({ sampleHz: PROFILE_SAMPLE_HZ }),
};
