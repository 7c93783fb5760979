/**
 * The one place that reads process.env. Everything else receives configuration from here, validated
 * once, so a bad setting fails at start with a message naming the variable.
 */
import path from 'node:path';
import { z } from 'zod';
import { DEFAULT_STOP_GRACE_SEC } from '@/lib/bpftrace/stop';
import { databaseConfig, databaseUrlProblem, describeDatabase, type DatabaseConfig } from '@/lib/db/url';

const intFromEnv = (def: number, min: number, max: number) => z.coerce.number().int().min(min).max(max).default(def);

const EnvSchema = z.object({
  /** where the SQLite database, the generated secret key and other state live */
  BPFDECK_DATA_DIR: z.string().min(1).default('.data'),
  /** `file:/path/to.db` overrides the SQLite file (default `<data dir>/bpfdeck.db`);
   *  `postgresql://user:password@host:5432/db` selects PostgreSQL (lib/db/url.ts) */
  DATABASE_URL: z
    .string()
    .optional()
    .superRefine((v, ctx) => {
      const problem = v === undefined ? null : databaseUrlProblem(v);
      if (problem) ctx.addIssue({ code: 'custom', message: problem });
    }),
  /** PostgreSQL only: connections per process, connect/acquire timeout, idle close, statement timeout */
  BPFDECK_PG_POOL_MAX: intFromEnv(10, 1, 500),
  BPFDECK_PG_CONNECT_TIMEOUT_MS: intFromEnv(5000, 100, 120_000),
  BPFDECK_PG_IDLE_TIMEOUT_MS: intFromEnv(30_000, 1000, 3_600_000),
  BPFDECK_PG_STATEMENT_TIMEOUT_MS: intFromEnv(60_000, 1000, 3_600_000),
  /** 32 bytes, base64: encrypts SSH private keys at rest. If unset, one is generated into the data dir. */
  BPFDECK_SECRET_KEY: z.string().optional(),
  /** runs executing at once across all hosts */
  BPFDECK_MAX_CONCURRENT_RUNS: intFromEnv(32, 1, 256),
  /** PostgreSQL only: who executes runs. `worker` (default): `bpfdeck worker` processes, the web tier
   *  executes nothing; `inprocess`: the web process runs them (one web instance). SQLite: always in-process */
  BPFDECK_RUN_EXECUTION: z.enum(['worker', 'inprocess']).optional(),
  /** runs one `bpfdeck worker` process executes at once (BPFDECK_MAX_CONCURRENT_RUNS is the limit over all workers) */
  BPFDECK_WORKER_CONCURRENCY: intFromEnv(16, 1, 256),
  /** a worker renews the leases of its runs every third of this; a lease this old means "worker lost" */
  BPFDECK_RUN_LEASE_SEC: intFromEnv(15, 3, 600),
  /** TCP connect + SSH handshake limit */
  BPFDECK_SSH_CONNECT_TIMEOUT_MS: intFromEnv(8000, 500, 120_000),
  /** raw bpftrace stdout kept per run, before truncation is marked */
  BPFDECK_MAX_RAW_OUTPUT_MB: intFromEnv(256, 1, 4096),
  /** the same cap in bytes, overriding the MB one: for tests, so that a real run can exceed it */
  BPFDECK_MAX_RAW_OUTPUT_BYTES: z.coerce
    .number()
    .int()
    .min(1)
    .max(4096 * 1024 * 1024)
    .optional(),
  /** seconds bpftrace may take to stop after SIGINT before it is sent SIGKILL (lib/bpftrace/stop) */
  BPFDECK_STOP_GRACE_SEC: intFromEnv(DEFAULT_STOP_GRACE_SEC, 1, 600),
  /** who a run is recorded as when lib functions are called outside HTTP (scripts, CLI, tests) */
  BPFDECK_DEFAULT_USER: z.string().min(1).max(64).default('local'),
  // ssh-agent sockets on the bpfdeck server that agent identities may use (comma-separated absolute paths)
  BPFDECK_SSH_AGENT_SOCKETS: z.string().max(4096).default(''),

  /** set by Next.js: development under `next dev` */
  NODE_ENV: z.string().optional(),

  // --- access control (lib/auth); see README "Sign-in, roles and audit" ---
  /** signs session cookies (at least 32 characters). If unset, one is generated into the data dir. */
  BPFDECK_AUTH_SECRET: z.string().min(32, 'at least 32 characters').optional(),
  /** the URL people open, e.g. https://bpfdeck.example.com: https makes cookies Secure and turns on
   *  HSTS; it is also the only origin accepted for cookie-authenticated changes and the OIDC redirect base */
  BPFDECK_PUBLIC_URL: z.url({ protocol: /^https?$/ }).optional(),
  /** comma-separated addresses of reverse proxies whose X-Forwarded-For is believed (default: none) */
  BPFDECK_TRUSTED_PROXIES: z.string().default(''),
  /** a session lasts this long after sign-in, then the person signs in again */
  BPFDECK_SESSION_TTL_HOURS: intFromEnv(12, 1, 24 * 30),
  /** one-time code for /setup (creating the first admin); if unset, one is generated into the data dir */
  BPFDECK_SETUP_TOKEN: z.string().min(16, 'at least 16 characters').optional(),
  /** failed sign-ins allowed per 15 minutes, per client address and per account */
  BPFDECK_SIGNIN_MAX_FAILURES: intFromEnv(10, 1, 10_000),
  /** runs one user (or API token) may have queued or running at once */
  BPFDECK_MAX_ACTIVE_RUNS_PER_USER: intFromEnv(10, 1, 1000),
  /** runs one user (or API token) may start per 10 minutes */
  BPFDECK_MAX_RUN_STARTS_PER_10MIN: intFromEnv(60, 1, 100_000),

  // --- optional OIDC sign-in: set issuer, client id and client secret together ---
  /** the issuer URL; its /.well-known/openid-configuration is read at start */
  BPFDECK_OIDC_ISSUER: z.url({ protocol: /^https?$/ }).optional(),
  BPFDECK_OIDC_CLIENT_ID: z.string().min(1).optional(),
  BPFDECK_OIDC_CLIENT_SECRET: z.string().min(1).optional(),
  /** space-separated scopes */
  BPFDECK_OIDC_SCOPES: z.string().default('openid email profile'),
  /** the sign-in button says "Sign in with <this>" */
  BPFDECK_OIDC_NAME: z.string().min(1).max(40).default('SSO'),
  /** role of a person's account when their first OIDC sign-in creates it */
  BPFDECK_OIDC_DEFAULT_ROLE: z.enum(['viewer', 'operator', 'admin']).default('viewer'),
  /** false: only people an admin added already (same email) may sign in with OIDC */
  BPFDECK_OIDC_CREATE_USERS: z.enum(['true', 'false', '1', '0']).default('true'),
});

export interface OidcConfig {
  issuer: string;
  /** <issuer>/.well-known/openid-configuration */
  discoveryUrl: string;
  clientId: string;
  clientSecret: string;
  scopes: string[];
  displayName: string;
  defaultRole: 'viewer' | 'operator' | 'admin';
  createUsers: boolean;
}

export interface AuthConfig {
  secret: string | undefined;
  /** origin of BPFDECK_PUBLIC_URL (no path), or undefined: then the request's own Host is the origin */
  publicOrigin: string | undefined;
  /** cookies get Secure and responses HSTS (BPFDECK_PUBLIC_URL is https) */
  secureCookies: boolean;
  trustedProxies: string[];
  sessionTtlSec: number;
  setupToken: string | undefined;
  signInMaxFailures: number;
  oidc: OidcConfig | null;
}

export interface RunLimits {
  maxActivePerUser: number;
  maxStartsPer10Min: number;
}

export interface AppConfig {
  dataDir: string;
  /** which database, and how to reach it (lib/db/url.ts) */
  database: DatabaseConfig;
  /** the SQLite file, or the PostgreSQL URL without its password (for messages and reports) */
  databaseFile: string;
  secretKeyBase64: string | undefined;
  maxConcurrentRuns: number;
  /** who executes runs: this process (SQLite, or PostgreSQL with BPFDECK_RUN_EXECUTION=inprocess) or workers */
  runExecution: 'inprocess' | 'worker';
  workerConcurrency: number;
  runLeaseSec: number;
  sshConnectTimeoutMs: number;
  maxRawOutputBytes: number;
  stopGraceSec: number;
  defaultUser: string;
  /** ssh-agent sockets (paths on this server) an agent identity may name; empty = no agent identities */
  sshAgentSockets: string[];
  auth: AuthConfig;
  runLimits: RunLimits;
  /** running under `next dev` */
  dev: boolean;
}

let cached: AppConfig | undefined;

export function loadConfig(env: NodeJS.ProcessEnv = process.env): AppConfig {
  const parsed = EnvSchema.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new Error(`invalid bpfdeck configuration:\n${lines.join('\n')}`);
  }
  const e = parsed.data;
  const dataDir = path.resolve(e.BPFDECK_DATA_DIR);
  const database = databaseConfig(e.DATABASE_URL, dataDir, {
    poolMax: e.BPFDECK_PG_POOL_MAX,
    connectTimeoutMs: e.BPFDECK_PG_CONNECT_TIMEOUT_MS,
    idleTimeoutMs: e.BPFDECK_PG_IDLE_TIMEOUT_MS,
    statementTimeoutMs: e.BPFDECK_PG_STATEMENT_TIMEOUT_MS,
  });
  return {
    dataDir,
    database,
    databaseFile: describeDatabase(database),
    secretKeyBase64: e.BPFDECK_SECRET_KEY,
    maxConcurrentRuns: e.BPFDECK_MAX_CONCURRENT_RUNS,
    runExecution: runExecution(database.kind, e.BPFDECK_RUN_EXECUTION),
    workerConcurrency: e.BPFDECK_WORKER_CONCURRENCY,
    runLeaseSec: e.BPFDECK_RUN_LEASE_SEC,
    sshConnectTimeoutMs: e.BPFDECK_SSH_CONNECT_TIMEOUT_MS,
    maxRawOutputBytes: e.BPFDECK_MAX_RAW_OUTPUT_BYTES ?? e.BPFDECK_MAX_RAW_OUTPUT_MB * 1024 * 1024,
    stopGraceSec: e.BPFDECK_STOP_GRACE_SEC,
    defaultUser: e.BPFDECK_DEFAULT_USER,
    sshAgentSockets: e.BPFDECK_SSH_AGENT_SOCKETS.split(',')
      .map((x) => x.trim())
      .filter(Boolean),
    auth: {
      secret: e.BPFDECK_AUTH_SECRET,
      publicOrigin: e.BPFDECK_PUBLIC_URL ? new URL(e.BPFDECK_PUBLIC_URL).origin : undefined,
      secureCookies: e.BPFDECK_PUBLIC_URL?.startsWith('https:') ?? false,
      trustedProxies: e.BPFDECK_TRUSTED_PROXIES.split(',')
        .map((s) => s.trim())
        .filter(Boolean),
      sessionTtlSec: e.BPFDECK_SESSION_TTL_HOURS * 3600,
      setupToken: e.BPFDECK_SETUP_TOKEN,
      signInMaxFailures: e.BPFDECK_SIGNIN_MAX_FAILURES,
      oidc: oidcConfig(e),
    },
    dev: e.NODE_ENV === 'development',
    runLimits: {
      maxActivePerUser: e.BPFDECK_MAX_ACTIVE_RUNS_PER_USER,
      maxStartsPer10Min: e.BPFDECK_MAX_RUN_STARTS_PER_10MIN,
    },
  };
}

/** Workers need the durable queue, which lives in PostgreSQL: on SQLite, runs execute in-process. */
function runExecution(kind: DatabaseConfig['kind'], v: 'worker' | 'inprocess' | undefined): 'inprocess' | 'worker' {
  if (kind === 'sqlite') {
    if (v === 'worker') throw new Error('invalid bpfdeck configuration:\n  BPFDECK_RUN_EXECUTION=worker needs a PostgreSQL DATABASE_URL');
    return 'inprocess';
  }
  return v ?? 'worker';
}

/** OIDC is on when issuer, client id and secret are all set; some but not all is a configuration error. */
function oidcConfig(e: z.infer<typeof EnvSchema>): OidcConfig | null {
  const parts = {
    BPFDECK_OIDC_ISSUER: e.BPFDECK_OIDC_ISSUER,
    BPFDECK_OIDC_CLIENT_ID: e.BPFDECK_OIDC_CLIENT_ID,
    BPFDECK_OIDC_CLIENT_SECRET: e.BPFDECK_OIDC_CLIENT_SECRET,
  };
  const missing = Object.entries(parts)
    .filter(([, v]) => !v)
    .map(([k]) => k);
  if (missing.length === 3) return null;
  if (missing.length) throw new Error(`invalid bpfdeck configuration:\n  OIDC sign-in needs ${missing.join(' and ')} as well`);
  if (!e.BPFDECK_PUBLIC_URL) {
    throw new Error('invalid bpfdeck configuration:\n  OIDC sign-in needs BPFDECK_PUBLIC_URL (its redirect URI is <public URL>/api/auth/callback/oidc)');
  }
  const issuer = e.BPFDECK_OIDC_ISSUER!.replace(/\/+$/, '');
  const local = /^http:\/\/(localhost|127\.0\.0\.1|\[::1\])(:|\/|$)/.test(issuer);
  if (issuer.startsWith('http:') && !local) {
    throw new Error('invalid bpfdeck configuration:\n  BPFDECK_OIDC_ISSUER: must be https (http only for localhost)');
  }
  const scopes = e.BPFDECK_OIDC_SCOPES.split(/[\s,]+/).filter(Boolean);
  if (!scopes.includes('openid')) scopes.unshift('openid');
  return {
    issuer,
    discoveryUrl: `${issuer}/.well-known/openid-configuration`,
    clientId: e.BPFDECK_OIDC_CLIENT_ID!,
    clientSecret: e.BPFDECK_OIDC_CLIENT_SECRET!,
    scopes,
    displayName: e.BPFDECK_OIDC_NAME,
    defaultRole: e.BPFDECK_OIDC_DEFAULT_ROLE,
    createUsers: e.BPFDECK_OIDC_CREATE_USERS === 'true' || e.BPFDECK_OIDC_CREATE_USERS === '1',
  };
}

export function config(): AppConfig {
  cached ??= loadConfig();
  return cached;
}
