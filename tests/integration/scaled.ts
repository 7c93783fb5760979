/**
 * The scaled form for tests: one PostgreSQL database (tests/integration/pg.ts), real `bpfdeck worker`
 * processes (bin/bpfdeck.mjs worker) and real `next start` web instances (security-server.ts), all
 * sharing the database and the secret key, as the README's scaled form says.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { freshPgDatabase } from './pg';

/** short in tests so a killed worker's runs are marked soon; the default is 15 s */
export const TEST_LEASE_SEC = 6;

/**
 * Points this test process at a fresh PostgreSQL database in worker mode (it enqueues like a web
 * instance and executes nothing); returns the environment every spawned process gets.
 */
export function useScaledEnv(label: string): Record<string, string> {
  const env = {
    DATABASE_URL: freshPgDatabase(label),
    BPFDECK_DATA_DIR: fs.mkdtempSync(path.join(os.tmpdir(), `bpfdeck-it-${label}-`)),
    BPFDECK_SECRET_KEY: randomBytes(32).toString('base64'),
    BPFDECK_AUTH_SECRET: randomBytes(32).toString('hex'),
    BPFDECK_RUN_EXECUTION: 'worker',
    BPFDECK_RUN_LEASE_SEC: String(TEST_LEASE_SEC),
  };
  Object.assign(process.env, env);
  return env;
}

export class WorkerProcess {
  private out: string[] = [];
  readonly child: ChildProcess;
  readonly exited: Promise<number | null>;

  constructor(env: Record<string, string>, args: string[] = []) {
    this.child = spawn(process.execPath, ['bin/bpfdeck.mjs', 'worker', ...args], {
      cwd: path.resolve(import.meta.dirname, '../..'),
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    this.child.stdout!.on('data', (b: Buffer) => this.out.push(b.toString('utf8')));
    this.child.stderr!.on('data', (b: Buffer) => this.out.push(b.toString('utf8')));
    this.exited = new Promise((r) => this.child.once('exit', (code) => r(code)));
  }

  get pid(): number {
    return this.child.pid!;
  }

  log(): string {
    return this.out.join('');
  }

  /** resolves once the worker takes jobs */
  async ready(timeoutMs = 60_000): Promise<void> {
    const t0 = Date.now();
    while (!/ started: /.test(this.log())) {
      if (this.child.exitCode !== null) throw new Error(`worker exited ${this.child.exitCode}:\n${this.log()}`);
      if (Date.now() - t0 > timeoutMs) throw new Error(`worker did not start:\n${this.log()}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  signal(sig: NodeJS.Signals): void {
    try {
      process.kill(this.child.pid!, sig);
    } catch {
      /* gone */
    }
  }

  /** SIGKILL, as a crash or the OOM killer would */
  kill9(): void {
    try {
      process.kill(-this.child.pid!, 'SIGKILL');
    } catch {
      /* gone */
    }
  }
}

export async function startWorkers(env: Record<string, string>, n: number, args: string[] = []): Promise<WorkerProcess[]> {
  const ws = Array.from({ length: n }, () => new WorkerProcess(env, args));
  await Promise.all(ws.map((w) => w.ready()));
  return ws;
}

/** Resident set size of a process in MB (from /proc: the worker's own node process). */
export function rssMb(pid: number): number {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  const m = /VmRSS:\s+(\d+) kB/.exec(status);
  return m ? Number(m[1]) / 1024 : NaN;
}
