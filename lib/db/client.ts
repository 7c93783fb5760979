/**
 * The Prisma client singleton. Opening it applies pending migrations and checks the schema first, so
 * every entry point (server, CLI, tests) gets a database that matches the code.
 */
import 'server-only';
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { PrismaBetterSqlite3 } from '@prisma/adapter-better-sqlite3';
import { PrismaClient } from '@/lib/db/generated/client';
import { config } from '@/lib/env';
import { applyMigrations } from '@/lib/db/migrate';
import { checkSchema } from '@/lib/db/check';

type Db = InstanceType<typeof PrismaClient>;

// Survives Next.js dev-mode module reloads (one client, one migration pass per process).
const g = globalThis as unknown as { __bpfdeckDb?: Db };

export function prepareDatabase(file: string): void {
  fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  const raw = new Database(file);
  // Password hashes, sessions and sealed SSH keys live here: owner-only, whatever the umask (SQLite
  // gives new -wal and -shm files the database's mode).
  for (const f of [file, `${file}-wal`, `${file}-shm`]) {
    try {
      if (fs.existsSync(/*turbopackIgnore: true*/ f)) fs.chmodSync(/*turbopackIgnore: true*/ f, 0o600);
    } catch (e) {
      console.warn(`bpfdeck: cannot make ${f} owner-only: ${(e as Error).message}`);
    }
  }
  try {
    raw.pragma('journal_mode = WAL');
    raw.pragma('foreign_keys = ON');
    const res = applyMigrations(raw);
    if (res.applied.length) console.log(`bpfdeck: applied migrations ${res.applied.join(', ')} to ${file}`);
    checkSchema(raw);
  } finally {
    raw.close();
  }
}

export function db(): Db {
  if (!g.__bpfdeckDb) {
    const file = config().databaseFile;
    prepareDatabase(file);
    const adapter = new PrismaBetterSqlite3({ url: `file:${file}` });
    g.__bpfdeckDb = new PrismaClient({ adapter });
  }
  return g.__bpfdeckDb;
}

export type { Host, Run, SshIdentity } from '@/lib/db/generated/client';
