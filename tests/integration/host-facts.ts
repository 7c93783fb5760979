/**
 * Facts about this machine that tests compare against, found independently of bpfdeck, so that a test
 * expects what the machine really offers (kprobes or not, how many CPUs, ext4 and a block device, a
 * closed port) instead of what the development machine happened to offer.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';

/**
 * Can bpftrace attach kprobes on this kernel? bpftrace attaches them through the perf "kprobe" PMU,
 * which the kernel registers (/sys/bus/event_source/devices/kprobe) only when built with
 * CONFIG_KPROBES + CONFIG_KPROBE_EVENTS. All fleet hosts share this kernel.
 */
export function kernelHasKprobePmu(): boolean {
  return fs.existsSync('/sys/bus/event_source/devices/kprobe');
}

/** The filemap tracepoints cachestat.bt needs (Linux >= 6.11), as tracefs lists them. */
export function kernelHasFilemapTracepoints(): boolean {
  return ['mm_filemap_get_pages', 'mm_filemap_fault', 'mm_filemap_add_to_page_cache'].every((t) => fs.existsSync(`/sys/kernel/tracing/events/filemap/${t}`));
}

/**
 * The CPUs this process may run on, by number (Cpus_allowed_list), checked against `nproc`: a load
 * pinned to each of them keeps every CPU the test can use busy, however many the machine has.
 */
export function usableCpus(): number[] {
  const n = Number.parseInt(execFileSync('nproc', { encoding: 'utf8' }).trim(), 10);
  const list = /^Cpus_allowed_list:\s*(\S+)$/m.exec(fs.readFileSync('/proc/self/status', 'utf8'))?.[1] ?? '';
  const cpus = list.split(',').flatMap((part) => {
    const [a, b = a] = part.split('-').map((x) => Number.parseInt(x, 10));
    return Array.from({ length: b - a + 1 }, (_, i) => a + i);
  });
  if (!Number.isInteger(n) || n < 1 || cpus.length !== n || cpus.some((c) => !Number.isInteger(c))) {
    throw new Error(`nproc says ${n} CPUs, /proc/self/status Cpus_allowed_list says "${list}": cannot tell which CPUs to load`);
  }
  return cpus;
}

/**
 * The filesystem type and source device of the filesystem holding `dir` (findmnt). Tests of
 * ext4slower, biolatency and biosnoop need `dir` on ext4 on a real block device: this throws with the
 * reason when it is not, so such a test fails saying why instead of asserting on nothing.
 */
export function requireExt4OnBlockDevice(dir: string, needs: string): { fstype: string; source: string; majMin: string } {
  const [fstype = '', source = '', majMin = ''] = execFileSync('findmnt', ['-no', 'FSTYPE,SOURCE,MAJ:MIN', '-T', dir], { encoding: 'utf8' })
    .trim()
    .split(/\s+/);
  if (fstype !== 'ext4') {
    throw new Error(`${needs} needs ${dir} on ext4, but it is on ${fstype || 'an unknown filesystem'} (${source}); this machine cannot run this test`);
  }
  let isBlock = false;
  try {
    isBlock = fs.statSync(source).isBlockDevice();
  } catch {
    isBlock = false;
  }
  if (!isBlock) {
    throw new Error(`${needs} needs ${dir} on a block device, but its filesystem's source ${source} is not one; this machine cannot run this test`);
  }
  return { fstype, source, majMin };
}

/** Resolve true when a TCP connect to address:port is refused (nothing listens), false when it connects. */
function connectRefused(address: string, port: number): Promise<boolean> {
  return new Promise((resolve, reject) => {
    const s = net.connect({ host: address, port });
    s.setTimeout(3000, () => {
      s.destroy();
      reject(new Error(`connect to ${address}:${port} neither connected nor was refused within 3 s`));
    });
    s.once('connect', () => {
      s.destroy();
      resolve(false);
    });
    s.once('error', (e: NodeJS.ErrnoException) => (e.code === 'ECONNREFUSED' ? resolve(true) : reject(e)));
  });
}

/**
 * A loopback port on which a connect is refused right now, verified by connecting to it: a free
 * port taken from the kernel (bind to :0, then close), then checked refused.
 */
export async function closedLoopbackPort(address = '127.0.0.1'): Promise<number> {
  const port = await new Promise<number>((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, address, () => {
      const p = (srv.address() as net.AddressInfo).port;
      srv.close(() => resolve(p));
    });
  });
  if (!(await connectRefused(address, port))) throw new Error(`${address}:${port} was free a moment ago, but now something listens there`);
  return port;
}
