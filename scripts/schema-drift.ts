/**
 * Fails (exit 1) when prisma/schema.prisma (SQLite) and prisma/postgres/schema.prisma (PostgreSQL)
 * describe different models or fields (lib/db/drift.ts). Run by the test command (run-tests.sh, and
 * tests/unit/db-drift.test.ts). Usage: npx tsx scripts/schema-drift.ts [sqlite.prisma postgres.prisma]
 */
import fs from 'node:fs';
import { parseSchema, schemaDrift } from '../lib/db/drift';

const [a = 'prisma/schema.prisma', b = 'prisma/postgres/schema.prisma'] = process.argv.slice(2);
const drift = schemaDrift(parseSchema(fs.readFileSync(a, 'utf8')), parseSchema(fs.readFileSync(b, 'utf8')));
if (drift.length) {
  console.error(`schema drift between ${a} and ${b} (${drift.length}):\n  ${drift.join('\n  ')}`);
  console.error('Change both schemas, with a migration in each folder (prisma/migrations, prisma/postgres/migrations).');
  process.exit(1);
}
console.log(`schema-drift: ${a} and ${b} describe the same models and fields`);
