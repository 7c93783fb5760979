#!/bin/sh
# Stand-in for Prisma's schema engine, which `prisma generate` does not need but would try to download.
# (Set only for `generate`: with it, `prisma migrate diff` silently prints nothing.)
echo "bpfdeck: Prisma's schema engine is not available here; migrations are applied by lib/db/migrate.ts" >&2
exit 1
