import { defineConfig } from 'prisma/config';

// Used by the Prisma CLI only (generate). The app opens the database itself (lib/db/client.ts).
export default defineConfig({
  schema: 'prisma/schema.prisma',
  migrations: { path: 'prisma/migrations' },
  datasource: { url: process.env.DATABASE_URL ?? 'file:./.data/bpfdeck.db' },
});
