/** lib/db/url.ts: the one place that knows the DATABASE_URL forms (env validation, the CLI, better-auth). */
import { describe, expect, it } from 'vitest';
import { betterAuthProvider, databaseConfig, databaseMayHoldData, databaseUrlProblem, describeDatabase, urlRelativeTo } from '@/lib/db/url';

const POOL = { poolMax: 3, connectTimeoutMs: 1000, idleTimeoutMs: 2000, statementTimeoutMs: 3000 };

describe('DATABASE_URL', () => {
  it('file: or nothing is SQLite, postgresql:// PostgreSQL with the pool settings; anything else is refused, saying why', () => {
    expect(databaseConfig(undefined, '/data', POOL)).toEqual({ kind: 'sqlite', file: '/data/bpfdeck.db' });
    expect(databaseConfig('file:/x/y.db', '/data', POOL)).toEqual({ kind: 'sqlite', file: '/x/y.db' });
    expect(databaseConfig('postgresql://u:pw@db:5432/b', '/data', POOL)).toEqual({ kind: 'postgres', url: 'postgresql://u:pw@db:5432/b', ...POOL });
    expect(databaseUrlProblem('file:')).toMatch(/needs a path/);
    expect(databaseUrlProblem('mysql://x')).toMatch(/must be file:<path> \(SQLite\) or postgresql:/);
    expect(databaseUrlProblem('postgres://h/db')).toBeNull();
    // a missing SQLite file holds nothing (the CLI does not create one to read it); a server always may
    expect(databaseMayHoldData(databaseConfig('file:/nonexistent/x.db', '/d', POOL))).toBe(false);
    expect(databaseMayHoldData(databaseConfig('postgresql://u@h/db', '/d', POOL))).toBe(true);
  });

  it('the CLI makes a relative SQLite path absolute against where it was typed; other URLs stay as they are', () => {
    expect(urlRelativeTo('file:rel/b.db', '/home/me')).toBe('file:/home/me/rel/b.db');
    expect(urlRelativeTo('file:/abs/b.db', '/home/me')).toBe('file:/abs/b.db');
    expect(urlRelativeTo('postgresql://u@h/db', '/home/me')).toBe('postgresql://u@h/db');
  });

  it("better-auth's provider name, and a description without the password", () => {
    expect(betterAuthProvider('postgres')).toBe('postgresql');
    expect(betterAuthProvider('sqlite')).toBe('sqlite');
    expect(describeDatabase(databaseConfig('postgresql://u:secret@db:5432/b', '/d', POOL))).toBe('postgresql://u:***@db:5432/b');
  });
});
