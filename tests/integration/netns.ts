/**
 * A pair of network namespaces joined by a veth pair, made and removed by a test (as root), for traffic
 * that must be disturbed (dropped packets) without touching the machine's own network:
 *
 *   a (10.231.<subnet>.1/30, dev <prefix>a)  <== veth ==>  b (10.231.<subnet>.2/30, dev <prefix>b)
 *
 * The addresses exist only inside the two namespaces (private range, a /30 per pair); traffic between
 * them never leaves this machine, and nothing is changed in the root namespace (no routes, no rules):
 * iptables rules added with `iptablesIn` live in a namespace and vanish with it. `destroy()` deletes
 * both namespaces (and with them the veth pair and every rule); it is safe to call twice and after a
 * failed create. `removeStaleNetns` cleans up pairs a killed test run left behind.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';

export interface NetnsPair {
  a: string;
  b: string;
  addrA: string;
  addrB: string;
  /** run argv inside a namespace; resolves with stdout, rejects on a non-zero exit */
  exec(ns: 'a' | 'b', argv: string[], timeoutMs?: number): Promise<string>;
  /** start argv inside a namespace (a server); the caller ends it with kill() */
  spawn(ns: 'a' | 'b', argv: string[]): ChildProcess;
  /** drop this fraction (0..1) of the TCP packets arriving in `ns` over the veth (iptables statistic) */
  dropIncomingTcp(ns: 'a' | 'b', probability: number): Promise<void>;
  /** nstat's absolute counters of `ns` (TcpRetransSegs, ...) */
  nstat(ns: 'a' | 'b', names: string[]): Promise<Record<string, number>>;
  destroy(): Promise<void>;
}

const PREFIX = 'bpfdeck-it-';

function run(cmd: string, args: string[], timeoutMs = 15_000): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(cmd, args, { timeout: timeoutMs, encoding: 'utf8' }, (err, stdout, stderr) => {
      if (err) reject(new Error(`${cmd} ${args.join(' ')}: ${err.message}\n${stderr}`));
      else resolve(stdout);
    });
  });
}

/** Names of namespaces this helper made (any run), from `ip netns list`. */
export async function listOurNetns(): Promise<string[]> {
  const out = await run('ip', ['netns', 'list']);
  return out
    .split('\n')
    .map((l) => l.split(/\s+/)[0])
    .filter((n) => n.startsWith(PREFIX));
}

/** Delete namespaces of this helper whose creating process (its pid is in the name) is gone. */
export async function removeStaleNetns(): Promise<void> {
  for (const ns of await listOurNetns()) {
    const pid = Number(/-p(\d+)-/.exec(ns)?.[1]);
    let alive = false;
    try {
      process.kill(pid, 0);
      alive = true;
    } catch {
      alive = false;
    }
    if (!alive) await run('ip', ['netns', 'del', ns]).catch(() => {});
  }
}

/**
 * Make the pair. `tag` (a few letters) and `subnet` (1..254, the third octet of 10.231.x.0/30) keep
 * pairs of different tests apart; the namespace names also carry this process's pid.
 */
export async function createNetnsPair(tag: string, subnet: number): Promise<NetnsPair> {
  if (!/^[a-z]{1,6}$/.test(tag) || !Number.isInteger(subnet) || subnet < 1 || subnet > 254) {
    throw new Error(`createNetnsPair: bad tag ${tag} or subnet ${subnet}`);
  }
  const a = `${PREFIX}${tag}-p${process.pid}-a`;
  const b = `${PREFIX}${tag}-p${process.pid}-b`;
  // interface names: at most 15 bytes, unique per process
  const devA = `bd${tag}${process.pid % 100000}a`.slice(0, 15);
  const devB = `bd${tag}${process.pid % 100000}b`.slice(0, 15);
  const addrA = `10.231.${subnet}.1`;
  const addrB = `10.231.${subnet}.2`;
  const nsOf = (ns: 'a' | 'b') => (ns === 'a' ? a : b);

  const destroy = async () => {
    for (const ns of [a, b]) await run('ip', ['netns', 'del', ns]).catch(() => {});
  };

  try {
    await run('ip', ['netns', 'add', a]);
    await run('ip', ['netns', 'add', b]);
    // created inside namespace a with its peer in b: the root namespace never holds either end
    await run('ip', ['-n', a, 'link', 'add', devA, 'type', 'veth', 'peer', 'name', devB, 'netns', b]);
    await run('ip', ['-n', a, 'addr', 'add', `${addrA}/30`, 'dev', devA]);
    await run('ip', ['-n', b, 'addr', 'add', `${addrB}/30`, 'dev', devB]);
    for (const [ns, dev] of [
      [a, devA],
      [b, devB],
    ]) {
      // one segment per packet (no GSO): a retransmitted packet is then one retransmitted segment
      await run('ip', ['-n', ns, 'link', 'set', dev, 'gso_max_segs', '1']);
      await run('ip', ['-n', ns, 'link', 'set', dev, 'up']);
      await run('ip', ['-n', ns, 'link', 'set', 'lo', 'up']);
    }
  } catch (e) {
    await destroy();
    throw e;
  }

  return {
    a,
    b,
    addrA,
    addrB,
    exec: (ns, argv, timeoutMs) => run('ip', ['netns', 'exec', nsOf(ns), ...argv], timeoutMs),
    spawn: (ns, argv) => spawn('ip', ['netns', 'exec', nsOf(ns), ...argv], { stdio: ['ignore', 'pipe', 'pipe'] }),
    dropIncomingTcp: async (ns, probability) => {
      const dev = ns === 'a' ? devA : devB;
      await run('ip', [
        'netns',
        'exec',
        nsOf(ns),
        'iptables',
        '-A',
        'INPUT',
        '-i',
        dev,
        '-p',
        'tcp',
        '-m',
        'statistic',
        '--mode',
        'random',
        '--probability',
        String(probability),
        '-j',
        'DROP',
      ]);
    },
    nstat: async (ns, names) => {
      const out = await run('ip', ['netns', 'exec', nsOf(ns), 'nstat', '-asz', ...names]);
      const res: Record<string, number> = {};
      for (const l of out.split('\n')) {
        const m = /^(\w+)\s+(\d+)/.exec(l);
        if (m) res[m[1]] = Number(m[2]);
      }
      return res;
    },
    destroy,
  };
}
