/**
 * Start-up check that the generated Prisma client and the live tables agree: every scalar field of every
 * model must be a column. A mismatch means a missing migration or a stale `prisma generate`, and would
 * otherwise surface later as a confusing query error in the middle of a run.
 */
import 'server-only';
import type Database from 'better-sqlite3';
import { Prisma } from '@/lib/db/generated/client';

export function checkSchema(db: Database.Database): void {
  const problems: string[] = [];
  const enums = Prisma as unknown as Record<string, Record<string, string>>;
  for (const model of Object.values(Prisma.ModelName)) {
    const fields = Object.values(enums[`${model}ScalarFieldEnum`] ?? {});
    const columns = new Set((db.prepare(`PRAGMA table_info("${model}")`).all() as Array<{ name: string }>).map((c) => c.name));
    if (columns.size === 0) {
      problems.push(`table ${model} is missing`);
      continue;
    }
    for (const f of fields) if (!columns.has(f)) problems.push(`column ${model}.${f} is missing`);
  }
  if (problems.length) {
    throw new Error(
      `database schema does not match the generated Prisma client (${problems.join('; ')}). ` +
        'Add a SQL migration under prisma/migrations and run `npm run db:generate`.',
    );
  }
}
