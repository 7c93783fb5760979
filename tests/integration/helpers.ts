/**
 * Shared set-up for integration tests: a private data directory (database, secret key) per test file,
 * fleet hosts registered through the same service functions the API uses, and real workloads.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fleetClientKeyPath, fleetHost, readHostPublicKey, type FleetHost } from './fleet';
import { freshPgDatabase, testDatabaseKind } from './pg';

/** Point bpfdeck at a fresh data directory (and, with BPFDECK_TEST_DATABASE=postgres, a fresh
 *  PostgreSQL database: tests/integration/pg.ts). Call before the first lib call (config is read lazily). */
export function useTempDataDir(label: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `bpfdeck-it-${label}-`));
  process.env.BPFDECK_DATA_DIR = dir;
  if (testDatabaseKind() === 'postgres') {
    process.env.DATABASE_URL = freshPgDatabase(label);
    // these files test the in-process runner on PostgreSQL; the scaled form (workers) has its own: scaled-*.test.ts
    process.env.BPFDECK_RUN_EXECUTION ??= 'inprocess';
  } else delete process.env.DATABASE_URL;
  return dir;
}

export async function registerFleetHost(
  name: string,
  opts: { pin?: boolean; check?: boolean; as?: string } = {},
): Promise<{ hostId: string; fleet: FleetHost }> {
  const { createHost, scanHostKey, acceptHostKey, checkHost } = await import('@/lib/hosts/service');
  const { hostKeyFromPublicKeyLine } = await import('@/lib/ssh/hostkey');
  const fleet = fleetHost(name);
  const host = await createHost({
    name: opts.as ?? `${name}-${Math.random().toString(36).slice(2, 8)}`,
    address: fleet.address,
    port: fleet.port,
    username: fleet.user,
    privateKey: fs.readFileSync(fleetClientKeyPath(), 'utf8'),
  });
  if (opts.pin !== false) {
    const offered = await scanHostKey(host.id);
    // Accept only what the host's own public key file says: what a careful person would compare.
    const expected = hostKeyFromPublicKeyLine(readHostPublicKey(fleet));
    if (offered.fingerprint !== expected.fingerprint) {
      throw new Error(`${name} offered ${offered.fingerprint}, its key file says ${expected.fingerprint}`);
    }
    await acceptHostKey(host.id, offered.fingerprint);
  }
  if (opts.check) await checkHost(host.id);
  return { hostId: host.id, fleet };
}

let busyBinary: string | undefined;

/** Compile tests/workloads/busy_loop.c once per process. */
export function busyLoopBinary(): string {
  if (busyBinary) return busyBinary;
  const out = path.join(os.tmpdir(), `bpfdeck-busy-loop-${process.pid}`);
  execFileSync('gcc', ['-O0', '-fno-omit-frame-pointer', '-g', '-o', out, path.join(process.cwd(), 'tests/workloads/busy_loop.c')]);
  busyBinary = out;
  return out;
}

/** Start the busy loop for `seconds` (it ends by itself); returns the child. */
export function startBusyLoop(seconds: number): ChildProcess {
  const child = spawn(busyLoopBinary(), [String(seconds)], { stdio: 'ignore' });
  return child;
}

export async function pollUntil<T>(fn: () => Promise<T>, ok: (v: T) => boolean, timeoutMs: number, stepMs = 250): Promise<T> {
  const t0 = Date.now();
  let last = await fn();
  while (!ok(last)) {
    if (Date.now() - t0 > timeoutMs) return last;
    await new Promise((r) => setTimeout(r, stepMs));
    last = await fn();
  }
  return last;
}

/** Find a frame by name anywhere in a stack tree; returns the inclusive sample count of all matches. */
export function samplesInFrame(root: { name: string; value: number; children: unknown[] }, name: string): number {
  let total = 0;
  const walk = (n: { name: string; value: number; children: unknown[] }, inside: boolean) => {
    const hit = !inside && n.name === name;
    if (hit) total += n.value;
    for (const c of n.children as Array<typeof n>) walk(c, inside || hit);
  };
  walk(root, false);
  return total;
}
