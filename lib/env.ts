/**
 * The one place that reads process.env. Everything else receives configuration from here, validated
 * once, so a bad setting fails at start with a message naming the variable.
 */
import path from 'node:path';
import { z } from 'zod';

const intFromEnv = (def: number, min: number, max: number) =>
  z.coerce.number().int().min(min).max(max).default(def);

const EnvSchema = z.object({
  /** where the SQLite database, the generated secret key and other state live */
  BPFDECK_DATA_DIR: z.string().min(1).default('.data'),
  /** overrides the SQLite file (`file:/path/to.db`); default `<data dir>/bpfdeck.db` */
  DATABASE_URL: z.string().startsWith('file:').optional(),
  /** 32 bytes, base64: encrypts SSH private keys at rest. If unset, one is generated into the data dir. */
  BPFDECK_SECRET_KEY: z.string().optional(),
  /** runs executing at once across all hosts */
  BPFDECK_MAX_CONCURRENT_RUNS: intFromEnv(8, 1, 256),
  /** TCP connect + SSH handshake limit */
  BPFDECK_SSH_CONNECT_TIMEOUT_MS: intFromEnv(8000, 500, 120_000),
  /** raw bpftrace stdout kept per run, before truncation is marked */
  BPFDECK_MAX_RAW_OUTPUT_MB: intFromEnv(256, 1, 4096),
  /** who a run is recorded as, until sign-in exists */
  BPFDECK_DEFAULT_USER: z.string().min(1).max(64).default('local'),
});

export interface AppConfig {
  dataDir: string;
  databaseFile: string;
  secretKeyBase64: string | undefined;
  maxConcurrentRuns: number;
  sshConnectTimeoutMs: number;
  maxRawOutputBytes: number;
  defaultUser: string;
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
  return {
    dataDir,
    databaseFile: e.DATABASE_URL ? path.resolve(e.DATABASE_URL.slice('file:'.length)) : path.join(dataDir, 'bpfdeck.db'),
    secretKeyBase64: e.BPFDECK_SECRET_KEY,
    maxConcurrentRuns: e.BPFDECK_MAX_CONCURRENT_RUNS,
    sshConnectTimeoutMs: e.BPFDECK_SSH_CONNECT_TIMEOUT_MS,
    maxRawOutputBytes: e.BPFDECK_MAX_RAW_OUTPUT_MB * 1024 * 1024,
    defaultUser: e.BPFDECK_DEFAULT_USER,
  };
}

export function config(): AppConfig {
  cached ??= loadConfig();
  return cached;
}
