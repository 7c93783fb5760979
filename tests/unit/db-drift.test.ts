/** The SQLite and PostgreSQL schemas must describe the same models and fields (lib/db/drift.ts). */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { nativeTypeProblems, parseSchema, schemaDrift } from '@/lib/db/drift';
import { RUN_STATUSES } from '@/lib/runs/types';
import { ROLES } from '@/lib/auth/roles';
import { AUDIT_OUTCOMES } from '@/lib/audit/actions';

const ROOT = path.resolve(__dirname, '../..');
const SQLITE = fs.readFileSync(path.join(ROOT, 'prisma/schema.prisma'), 'utf8');
const PG = fs.readFileSync(path.join(ROOT, 'prisma/postgres/schema.prisma'), 'utf8');

function drift(pgText: string): string[] {
  return schemaDrift(parseSchema(SQLITE), parseSchema(pgText));
}

function runScript(pgText: string) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bpfdeck-drift-'));
  const file = path.join(dir, 'schema.prisma');
  fs.writeFileSync(file, pgText);
  return spawnSync(process.execPath, [path.join(ROOT, 'node_modules/tsx/dist/cli.mjs'), 'scripts/schema-drift.ts', 'prisma/schema.prisma', file], {
    cwd: ROOT,
    encoding: 'utf8',
  });
}

describe('schema drift check', () => {
  it('finds the two schemas of the repository in agreement, and both have every model', () => {
    expect(drift(PG)).toEqual([]);
    const models = [...parseSchema(SQLITE).blocks.keys()];
    expect(models).toEqual(expect.arrayContaining(['model Host', 'model Run', 'model AuditEvent', 'model User']));
    expect(parseSchema(PG).blocks.get('model Run')!.get('createdAt')).toBe('DateTime @default(now())');
    expect(PG).toMatch(/createdAt\s+DateTime\s+@default\(now\(\)\) @db\.Timestamptz\(3\)/); // the native type is really there
  });

  it('reports a field missing from one side, an extra model, a changed type and a changed attribute', () => {
    let drifted = PG.replace(/^\s+hostCpuSec\s+Float\?\n/m, ''); // the first: Run.hostCpuSec
    expect(drifted).not.toBe(PG);
    drifted = drifted.replace(/^(\s+rawOutputBytes\s+)Int(\s+@default\(0\))/m, '$1BigInt$2');
    drifted = drifted.replace(/^(\s+toolId\s+String)\n/m, '$1 @unique\n');
    drifted += '\nmodel RateLimit {\n  key String @id\n  hits Int\n}\n';
    const d = drift(drifted);
    expect(d).toContain('model Run: hostCpuSec is only in the sqlite schema');
    expect(d).toContain('model RateLimit is only in the postgres schema');
    expect(d).toContain('model Run.rawOutputBytes differs: sqlite "Int @default(0)", postgres "BigInt @default(0)"');
    expect(d).toContain('model Run.toolId differs: sqlite "String", postgres "String @unique"');
    expect(d).toHaveLength(4);
  });

  it('ignores comments, spacing and native column types in the model comparison', () => {
    const restyled = PG.replace(/@db\.Timestamptz\(3\)/g, '')
      .replace(/\/\/\/.*$/gm, '/// other words')
      .replace(/ {2,}/g, '   ');
    expect(drift(restyled)).toEqual([]);
    expect(drift(PG.replace(/^(\s+name\s+String)\s+@unique/m, '$1 @unique @db.VarChar(200)'))).toEqual([]);
  });

  it('accepts the intended native types only: timestamptz(3) on every PostgreSQL DateTime, none on SQLite', () => {
    expect(nativeTypeProblems(parseSchema(PG), 'postgres')).toEqual([]);
    expect(nativeTypeProblems(parseSchema(SQLITE), 'sqlite')).toEqual([]);
    // a deliberately drifted copy: one DateTime left as timestamp without time zone, one other native type
    let drifted = PG.replace(/^(\s+startedAt\s+DateTime\?) @db\.Timestamptz\(3\)/m, '$1 @db.Timestamp(3)');
    drifted = drifted.replace(/^(\s+name\s+String\s+@unique)/m, '$1 @db.VarChar(200)');
    drifted = drifted.replace(/^(\s+endedAt\s+DateTime\?) @db\.Timestamptz\(3\)/m, '$1');
    expect(nativeTypeProblems(parseSchema(drifted), 'postgres')).toEqual([
      'model Host.name: unintended native type @db.VarChar(200) in the postgres schema',
      'model Run.startedAt: DateTime must be @db.Timestamptz(3) in the postgres schema (has @db.Timestamp(3))',
      'model Run.endedAt: DateTime must be @db.Timestamptz(3) in the postgres schema (has no native type)',
    ]);
    expect(nativeTypeProblems(parseSchema(SQLITE.replace(/^(\s+hostCpuSec\s+Float\?)/m, '$1 @db.Real')), 'sqlite')).toEqual([
      'model Run.hostCpuSec: unintended native type @db.Real in the sqlite schema',
    ]);
    const bad = runScript(PG.replace(/^(\s+createdAt\s+DateTime\s+@default\(now\(\)\)) @db\.Timestamptz\(3\)/m, '$1'));
    expect(bad.status).toBe(1);
    expect(bad.stderr).toMatch(/model Host\.createdAt: DateTime must be @db\.Timestamptz\(3\) in the postgres schema/);
  });

  it("PostgreSQL's CHECK constraints list exactly the code's statuses, roles and outcomes", () => {
    const sql = fs
      .readdirSync(path.join(ROOT, 'prisma/postgres/migrations'))
      .sort()
      .map((d) => path.join(ROOT, 'prisma/postgres/migrations', d, 'migration.sql'))
      .filter((f) => fs.existsSync(f))
      .map((f) => fs.readFileSync(f, 'utf8'))
      .join('\n');
    // the last definition of each constraint wins (a later migration may replace it)
    const checked = (name: string) => {
      const all = [...sql.matchAll(new RegExp(`"${name}" CHECK \\("\\w+" IN \\(([^)]*)\\)\\)`, 'g'))];
      expect(all.length, `constraint ${name}`).toBeGreaterThan(0);
      return [...all.at(-1)![1].matchAll(/'([^']*)'/g)].map((m) => m[1]);
    };
    expect(checked('Run_status_check')).toEqual([...RUN_STATUSES]);
    expect(checked('ReportItem_status_check')).toEqual([...RUN_STATUSES]);
    expect(checked('User_role_check')).toEqual([...ROLES]);
    expect(checked('ApiToken_role_check')).toEqual([...ROLES]);
    expect(checked('AuditEvent_outcome_check')).toEqual([...AUDIT_OUTCOMES]);
  });

  it('the script run by the test command exits 1 on a drifted copy and 0 on the real pair', () => {
    const bad = runScript(PG.replace(/^\s+lostEvents\s+Int\s+@default\(0\)\n/m, ''));
    expect(bad.status).toBe(1);
    expect(bad.stderr).toMatch(/schema drift .*\(1\):\n {2}model Run: lostEvents is only in the sqlite schema/);
    const good = runScript(PG);
    expect(good.stderr).toBe('');
    expect(good.status).toBe(0);
  });
});
