/**
 * The input of every fleet view: one entry per host of a fleet run for one tool, exactly as the fleet
 * run API returns them (GET /api/fleet-runs/<id>/results?toolId=X: `FleetHostResult`, lib/fleet/types.ts),
 * and the host filter every view offers (one host, or a selector: lib/hosts/selector.ts). Pure.
 */
import { matches, parseSelector, type Selector } from '@/lib/hosts/selector';

/** What the views read of a FleetHostResult (structurally the same type; `result` is one run's result). */
export interface FleetHostInput<R = unknown> {
  hostId: string;
  hostName: string;
  tags: Record<string, string>;
  /** the host's addresses (its configured address first): tcplife peers are mapped to hosts by them */
  addresses: string[];
  /** CPUs of the host (its check), null when unknown */
  cpuCount: number | null;
  runId: string | null;
  status: string;
  errorMessage: string | null;
  /** exactly what a single run of the tool on that host returns, null before there is one */
  result: R | null;
}

/** A view's host filter: every host, one host, or the hosts a selector picks. */
export type HostFilter = { kind: 'all' } | { kind: 'host'; hostId: string } | { kind: 'selector'; selector: string };

export interface FilteredHosts<R> {
  hosts: Array<FleetHostInput<R>>;
  /** the selector's error (the view then shows every host and says why) */
  error: string | null;
}

function matchesAnyAddress(sel: Selector, h: FleetHostInput<unknown>): boolean {
  const addresses = h.addresses.length ? h.addresses : [''];
  return addresses.some((address) => matches(sel, { name: h.hostName, address, tags: h.tags }));
}

/** The hosts a filter keeps, in their given order. A bad selector keeps all and returns its error. */
export function filterHosts<R>(hosts: ReadonlyArray<FleetHostInput<R>>, filter: HostFilter): FilteredHosts<R> {
  if (filter.kind === 'all') return { hosts: [...hosts], error: null };
  if (filter.kind === 'host') return { hosts: hosts.filter((h) => h.hostId === filter.hostId), error: null };
  let sel: Selector;
  try {
    sel = parseSelector(filter.selector);
  } catch (e) {
    return { hosts: [...hosts], error: (e as Error).message };
  }
  return { hosts: hosts.filter((h) => matchesAnyAddress(sel, h)), error: null };
}

/** Hosts whose run completed with a result of `kind` (the rest are listed by the view with their status). */
export function withResult<R extends { kind: string }>(
  hosts: ReadonlyArray<FleetHostInput<unknown>>,
  kinds: readonly string[],
): Array<FleetHostInput<R> & { result: R }> {
  return hosts.filter((h): h is FleetHostInput<R> & { result: R } => {
    const r = h.result as { kind?: unknown } | null;
    return h.status === 'completed' && r !== null && typeof r === 'object' && typeof r.kind === 'string' && kinds.includes(r.kind);
  });
}

/** Hosts that have no usable result, with why (their status and error), for the note under a view. */
export function hostsWithout(
  hosts: ReadonlyArray<FleetHostInput<unknown>>,
  kinds: readonly string[],
): Array<{ hostId: string; hostName: string; why: string }> {
  const ok = new Set(withResult(hosts, kinds).map((h) => h.hostId));
  return hosts
    .filter((h) => !ok.has(h.hostId))
    .map((h) => ({ hostId: h.hostId, hostName: h.hostName, why: h.errorMessage ? `${h.status}: ${h.errorMessage}` : h.status }));
}

/**
 * Host names folded into a node set the way ClusterShell writes them: "fleet[11-13,31]", names without
 * a numeric suffix listed as they are. Sorted, duplicates removed.
 */
export function nodeSet(names: readonly string[]): string {
  const groups = new Map<string, Array<{ n: number; digits: string }>>();
  const plain: string[] = [];
  for (const name of new Set(names)) {
    const m = /^(.*?)(\d+)$/.exec(name);
    if (!m || m[1] === '') plain.push(name);
    else {
      const g = groups.get(m[1]) ?? [];
      g.push({ n: Number(m[2]), digits: m[2] });
      groups.set(m[1], g);
    }
  }
  const out: string[] = [];
  for (const [prefix, nums] of [...groups.entries()].sort((a, b) => (a[0] < b[0] ? -1 : 1))) {
    nums.sort((a, b) => a.n - b.n || a.digits.length - b.digits.length);
    if (nums.length === 1) {
      out.push(prefix + nums[0].digits);
      continue;
    }
    const ranges: string[] = [];
    let i = 0;
    while (i < nums.length) {
      let j = i;
      // a range needs the same zero padding ("01-03"), so "1" and "01" stay apart
      while (j + 1 < nums.length && nums[j + 1].n === nums[j].n + 1 && nums[j + 1].digits.length === nums[i].digits.length) j++;
      ranges.push(j > i ? `${nums[i].digits}-${nums[j].digits}` : nums[i].digits);
      i = j + 1;
    }
    out.push(`${prefix}[${ranges.join(',')}]`);
  }
  return [...out, ...plain.sort()].join(',');
}
