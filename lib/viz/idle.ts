/**
 * "Hide idle" for CPU profiles. profile:hz:99 fires on every CPU, idle ones too: a sample taken while
 * a CPU waits for work lands in the kernel's idle loop (the per-CPU idle task, comm `swapper/N`, pid 0),
 * and on a quiet host that is the widest tower of the graph and `pv_native_safe_halt` the top function.
 *
 * Which samples: those whose *leaf* (the frame on CPU) is one of the idle functions below, where the
 * CPU halted or polled for work. Interrupts and softirqs served on top of the idle loop keep their
 * samples: their leaf is the handler, and that is real work (network receive often runs there). An
 * idle task sample without a kernel stack (leaf = the `swapper/N` process itself) is idle too.
 *
 * The list is the kernel's idle path (kernel/sched/idle.c, drivers/cpuidle, arch/x86/kernel/process.c)
 * on x86 and arm64: what `perf top` users learn to filter out. Matching is on the frame name with its
 * `+offset` removed, so both bpftrace versions' forms match.
 */
import type { StackNode } from '@/lib/tools/types';

/** Idle functions, exactly (after removing a `+0x..`/`+123` offset) */
export const IDLE_FUNCTIONS: readonly string[] = [
  'do_idle',
  'cpu_idle_poll',
  'default_idle',
  'default_idle_call',
  'default_enter_idle',
  'arch_cpu_idle',
  'native_safe_halt',
  'pv_native_safe_halt',
  'safe_halt',
  'halt',
  'poll_idle',
  'mwait_idle',
  'mwait_idle_with_hints',
  'cpu_do_idle', // arm64
  'psci_cpu_suspend_enter', // arm64 cpuidle
];
/** Idle function families, by prefix: the cpuidle core, the Intel and ACPI idle drivers */
export const IDLE_PREFIXES: readonly string[] = ['cpuidle_', 'intel_idle', 'acpi_idle_', 'acpi_safe_halt'];
/** The per-CPU idle tasks' comm */
export const IDLE_PROCESS = /^swapper\/\d+$/;

const IDLE_SET = new Set(IDLE_FUNCTIONS);

export function isIdleFrame(n: Pick<StackNode, 'name' | 'kind'>): boolean {
  if (n.kind === 'process') return IDLE_PROCESS.test(n.name);
  if (n.kind !== 'kernel') return false;
  const bare = n.name.replace(/\+(0x[0-9a-f]+|\d+)$/i, '');
  return IDLE_SET.has(bare) || IDLE_PREFIXES.some((p) => bare.startsWith(p));
}

export interface IdleFiltered {
  root: StackNode;
  /** samples removed (their leaf was an idle frame) */
  idleSamples: number;
}

/**
 * The tree without idle samples: each idle frame loses its self samples, ancestors their sum, and
 * frames left with no samples go. The input is not changed; an idle-free tree comes back as is.
 */
export function withoutIdle(root: StackNode): IdleFiltered {
  // post-order: a node's new value is its self (unless idle) plus its kept children's new values
  const out = new Map<StackNode, StackNode | null>();
  const stack: Array<[StackNode, boolean]> = [[root, true]];
  let idleSamples = 0;
  while (stack.length) {
    const [n, entering] = stack.pop()!;
    if (entering) {
      stack.push([n, false]);
      for (const c of n.children) stack.push([c, true]);
      continue;
    }
    let childSum = 0;
    for (const c of n.children) childSum += c.value;
    let self = Math.max(0, n.value - childSum);
    if (self > 0 && isIdleFrame(n)) {
      idleSamples += self;
      self = 0;
    }
    const kids: StackNode[] = [];
    let changed = self !== Math.max(0, n.value - childSum);
    for (const c of n.children) {
      const k = out.get(c) ?? null;
      if (k !== c) changed = true;
      if (k) kids.push(k);
    }
    const value = self + kids.reduce((a, k) => a + k.value, 0);
    out.set(n, !changed ? n : value > 0 || n === root ? { ...n, value, children: kids } : null);
  }
  return { root: out.get(root)!, idleSamples };
}
