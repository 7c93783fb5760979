import { defineConfig } from 'prisma/config';

// The PostgreSQL schema's Prisma CLI config (generate only: `npm run db:generate` runs both). The app
// opens the database itself (lib/db/client.ts) and applies prisma/postgres/migrations with lib/db/migrate.ts.
export default defineConfig({
  schema: 'schema.prisma',
  migrations: { path: 'migrations' },
  datasource: { url: process.env.DATABASE_URL?.startsWith('postgres') ? process.env.DATABASE_URL : 'postgresql://localhost/bpfdeck' },
});
