/**
 * Fails (exit 1) when prisma/schema.prisma (SQLite) and prisma/postgres/schema.prisma (PostgreSQL)
 * describe different models or fields, or a column has a native type it is not meant to have (lib/db/drift.ts). Run by the test command (run-tests.sh, and
 * tests/unit/db-drift.test.ts). Usage: npx tsx scripts/schema-drift.ts [sqlite.prisma postgres.prisma]
 */
import fs from 'node:fs';
import { nativeTypeProblems, parseSchema, schemaDrift } from '../lib/db/drift';

const [a = 'prisma/schema.prisma', b = 'prisma/postgres/schema.prisma'] = process.argv.slice(2);
const [sa, sb] = [parseSchema(fs.readFileSync(a, 'utf8')), parseSchema(fs.readFileSync(b, 'utf8'))];
// the same models and fields, and only the intended native column types (timestamptz on PostgreSQL)
const drift = [...schemaDrift(sa, sb), ...nativeTypeProblems(sa, 'sqlite'), ...nativeTypeProblems(sb, 'postgres')];
if (drift.length) {
  console.error(`schema drift between ${a} and ${b} (${drift.length}):\n  ${drift.join('\n  ')}`);
  console.error('Change both schemas, with a migration in each folder (prisma/migrations, prisma/postgres/migrations).');
  process.exit(1);
}
console.log(`schema-drift: ${a} and ${b} describe the same models and fields`);
