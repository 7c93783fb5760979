/**
 * A real bpfdeck server for the security tests: `next start` of the production build (`npx next build`
 * first) on a free port and a private data directory (and, with BPFDECK_TEST_DATABASE=postgres, a
 * fresh PostgreSQL database: tests/integration/pg.ts), its stdout/stderr kept (to search for secrets),
 * and an HTTP client with one cookie jar per identity, that keeps every response body it saw.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import ssh2 from 'ssh2';
import { openTestSql, testDatabaseEnv, type TestSql } from './pg';

/** the checkout whose build is served; BPFDECK_TEST_SERVER_ROOT serves another (to show a test failing on an older build) */
export const ROOT = process.env.BPFDECK_TEST_SERVER_ROOT ?? path.resolve(import.meta.dirname, '../..');
export const SETUP_TOKEN = 'security-test-setup-token-0123456789';
export const PASSWORD = 'correct horse battery staple';

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    });
  });
}

export interface Res {
  status: number;
  headers: Headers;
  text: string;
  json: any; // eslint-disable-line @typescript-eslint/no-explicit-any -- any route's body: each test reads the fields it asserts
}

export interface Who {
  /** "name=value" of the session cookie */
  cookie?: string;
  token?: string;
}

export class Server {
  readonly url: string;
  readonly origin: string;
  /** every response body this client received, for the secret search */
  readonly bodies: string[] = [];
  private child?: ChildProcess;
  private out: string[] = [];

  constructor(
    readonly port: number,
    readonly dataDir: string,
    readonly env: Record<string, string>,
  ) {
    this.url = `http://127.0.0.1:${port}`;
    this.origin = this.url;
  }

  /** the PostgreSQL database it uses, or undefined: SQLite in its data dir */
  get databaseUrl(): string | undefined {
    return this.env.DATABASE_URL;
  }

  /** plain SQL on the server's database, whichever it is (close it when done) */
  sql(): Promise<TestSql> {
    return openTestSql(this.dataDir, this.databaseUrl);
  }

  /** what the server printed (stdout and stderr) */
  log(): string {
    return this.out.join('');
  }

  async start(): Promise<void> {
    if (!fs.existsSync(path.join(ROOT, '.next', 'BUILD_ID'))) throw new Error('no production build: run `npx next build` first');
    const env: NodeJS.ProcessEnv = { ...process.env };
    delete env.DATABASE_URL;
    delete env.BPFDECK_SECRET_KEY;
    Object.assign(env, { BPFDECK_DATA_DIR: this.dataDir, BPFDECK_SETUP_TOKEN: SETUP_TOKEN }, this.env);
    this.child = spawn(process.execPath, [path.join(ROOT, 'node_modules/next/dist/bin/next'), 'start', '-p', String(this.port), '-H', '127.0.0.1'], {
      cwd: ROOT,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    this.child.stdout!.on('data', (b: Buffer) => this.out.push(b.toString('utf8')));
    this.child.stderr!.on('data', (b: Buffer) => this.out.push(b.toString('utf8')));
    const t0 = Date.now();
    for (;;) {
      if (this.child.exitCode !== null) throw new Error(`next start exited ${this.child.exitCode}:\n${this.log()}`);
      try {
        const r = await fetch(`${this.url}/api/auth/session`);
        if (r.status === 200) return;
      } catch {
        /* not listening yet */
      }
      if (Date.now() - t0 > 60_000) throw new Error(`server did not start:\n${this.log()}`);
      await new Promise((r) => setTimeout(r, 200));
    }
  }

  /** resolves once the server process is gone */
  exited(): Promise<void> {
    const c = this.child;
    if (!c || c.exitCode !== null || c.signalCode !== null) return Promise.resolve();
    return new Promise((r) => c.once('exit', () => r()));
  }

  /** SIGKILL to the whole server, as a crash would (the scaled-form tests) */
  kill9(): void {
    try {
      if (this.child?.pid) process.kill(-this.child.pid, 'SIGKILL');
    } catch {
      /* gone */
    }
  }

  async stop(): Promise<void> {
    const c = this.child;
    if (!c || c.exitCode !== null || c.signalCode !== null) return; // a killed child has no exit code
    const done = new Promise((r) => c.once('exit', r));
    try {
      process.kill(-c.pid!, 'SIGTERM');
    } catch {
      /* gone */
    }
    const t = setTimeout(() => {
      try {
        process.kill(-c.pid!, 'SIGKILL');
      } catch {
        /* gone */
      }
    }, 10_000);
    await done;
    clearTimeout(t);
  }

  /**
   * One request. `origin` defaults to the server's own (a same-origin browser request); pass null to
   * send none, or another origin to forge a cross-site one.
   */
  async req(
    method: string,
    p: string,
    opts: { who?: Who; body?: unknown; rawBody?: string; origin?: string | null; headers?: Record<string, string> } = {},
  ): Promise<Res> {
    const headers: Record<string, string> = { ...opts.headers };
    const origin = opts.origin === undefined ? this.origin : opts.origin;
    if (origin && !['GET', 'HEAD'].includes(method)) headers.origin = origin;
    if (opts.who?.cookie) headers.cookie = opts.who.cookie;
    if (opts.who?.token) headers.authorization = `Bearer ${opts.who.token}`;
    let body: string | undefined;
    if (opts.rawBody !== undefined) body = opts.rawBody;
    else if (opts.body !== undefined) body = JSON.stringify(opts.body);
    if (body !== undefined) headers['content-type'] ??= 'application/json';
    const ac = new AbortController();
    const r = await fetch(`${this.url}${p}`, { method, headers, body, redirect: 'manual', signal: ac.signal });
    let text: string;
    if ((r.headers.get('content-type') ?? '').startsWith('text/event-stream')) {
      // A live stream: read what comes within a moment, then hang up.
      const reader = r.body!.getReader();
      const chunks: string[] = [];
      const stop = setTimeout(() => ac.abort(), 500);
      try {
        for (;;) {
          const { done, value } = await reader.read();
          if (done) break;
          chunks.push(Buffer.from(value).toString('utf8'));
        }
      } catch {
        /* aborted */
      }
      clearTimeout(stop);
      text = chunks.join('');
    } else {
      text = await r.text();
    }
    this.bodies.push(text);
    let json: unknown = null;
    try {
      json = text ? JSON.parse(text) : null;
    } catch {
      json = null;
    }
    return { status: r.status, headers: r.headers, text, json };
  }

  /** First admin through /api/auth/setup; returns its session. */
  async setupAdmin(email = 'admin@test.local'): Promise<Who> {
    const r = await this.req('POST', '/api/auth/setup', { body: { setupToken: SETUP_TOKEN, email, name: 'Admin', password: PASSWORD } });
    if (r.status !== 201) throw new Error(`setup failed: ${r.status} ${r.text}`);
    return { cookie: sessionCookie(r.headers) };
  }

  async signIn(email: string, password = PASSWORD): Promise<Who> {
    const r = await this.req('POST', '/api/auth/sign-in', { body: { email, password } });
    if (r.status !== 200) throw new Error(`sign-in of ${email} failed: ${r.status} ${r.text}`);
    return { cookie: sessionCookie(r.headers) };
  }

  async createUser(admin: Who, email: string, role: string): Promise<Who> {
    const r = await this.req('POST', '/api/admin/users', { who: admin, body: { email, name: email.split('@')[0], role, password: PASSWORD } });
    if (r.status !== 201) throw new Error(`creating ${email} failed: ${r.status} ${r.text}`);
    return this.signIn(email);
  }

  async createToken(admin: Who, name: string, role: string): Promise<Who> {
    const r = await this.req('POST', '/api/tokens', { who: admin, body: { name, role } });
    if (r.status !== 201) throw new Error(`creating token ${name} failed: ${r.status} ${r.text}`);
    return { token: r.json.token };
  }
}

export function sessionCookie(h: Headers): string {
  const c = h.getSetCookie().find((s) => /^(__Secure-)?bpfdeck\.session_token=/.test(s));
  if (!c) throw new Error(`no session cookie in ${JSON.stringify(h.getSetCookie())}`);
  return c.split(';')[0];
}

export async function startServer(label: string, env: Record<string, string> = {}): Promise<Server> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), `bpfdeck-sec-${label}-`));
  const s = new Server(await freePort(), dataDir, { ...testDatabaseEnv(`sec_${label}`), ...env });
  await s.start();
  return s;
}

/** Fixed-shape ids that exist nowhere: role checks come before any lookup. */
export const FAKE_ID = 'AAAAAAAAAAAAAAAAAAAAAA';

/** Recognisable pieces of a private key: every base64 body line (OpenSSH and PKCS#8) and the whole body. */
export function keyFragments(pem: string): string[] {
  const forms = [pem];
  const parsed = ssh2.utils.parseKey(pem);
  if (!(parsed instanceof Error)) {
    const k = Array.isArray(parsed) ? parsed[0] : parsed;
    forms.push(k.getPrivatePEM());
  }
  const out = new Set<string>();
  for (const f of forms) {
    const body = f.split('\n').filter((l) => l && !l.startsWith('-----'));
    for (const l of body) if (l.trim().length >= 16) out.add(l.trim());
    out.add(body.join(''));
  }
  return [...out];
}

export function findFragments(haystack: string, fragments: string[]): string[] {
  return fragments.filter((f) => haystack.includes(f));
}
