/**
 * Start-up check that the generated Prisma client and the live tables agree: every scalar field of every
 * model must be a column. A mismatch means a missing migration or a stale `prisma generate`, and would
 * otherwise surface later as a confusing query error in the middle of a run.
 */
import 'server-only';
import type Database from 'better-sqlite3';
import type { Client as PgClient } from 'pg';
import { Prisma } from '@/lib/db/generated/client';

/** model name -> its scalar fields, from the generated client (both clients have the same: schema-drift) */
function expectedColumns(): Array<[string, string[]]> {
  const enums = Prisma as unknown as Record<string, Record<string, string>>;
  return Object.values(Prisma.ModelName).map((model) => [model, Object.values(enums[`${model}ScalarFieldEnum`] ?? {})]);
}

function report(problems: string[]): void {
  if (problems.length) {
    throw new Error(
      `database schema does not match the generated Prisma client (${problems.join('; ')}). ` +
        'Add a SQL migration (prisma/migrations, and prisma/postgres/migrations) and run `npm run db:generate`.',
    );
  }
}

function compare(columnsOf: (model: string) => Set<string>): string[] {
  const problems: string[] = [];
  for (const [model, fields] of expectedColumns()) {
    const columns = columnsOf(model);
    if (columns.size === 0) {
      problems.push(`table ${model} is missing`);
      continue;
    }
    for (const f of fields) if (!columns.has(f)) problems.push(`column ${model}.${f} is missing`);
  }
  return problems;
}

export function checkSchema(db: Database.Database): void {
  report(compare((model) => new Set((db.prepare(`PRAGMA table_info("${model}")`).all() as Array<{ name: string }>).map((c) => c.name))));
}

export async function checkPgSchema(client: PgClient): Promise<void> {
  const { rows } = await client.query<{ table_name: string; column_name: string }>(
    `SELECT table_name, column_name FROM information_schema.columns WHERE table_schema = current_schema()`,
  );
  const byTable = new Map<string, Set<string>>();
  for (const r of rows) {
    if (!byTable.has(r.table_name)) byTable.set(r.table_name, new Set());
    byTable.get(r.table_name)!.add(r.column_name);
  }
  report(compare((model) => byTable.get(model) ?? new Set()));
}
