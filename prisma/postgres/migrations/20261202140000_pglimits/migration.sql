-- Limits in the database (lib/db/limits.ts), PostgreSQL form of prisma/migrations/20261202140000_pglimits.
CREATE TABLE "LimitLock" (
    "key" TEXT NOT NULL PRIMARY KEY
);

CREATE TABLE "LimitEvent" (
    "id" SERIAL NOT NULL PRIMARY KEY,
    "key" TEXT NOT NULL,
    "at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "ticket" TEXT
);

CREATE INDEX "LimitEvent_key_at_idx" ON "LimitEvent"("key", "at");
CREATE INDEX "LimitEvent_ticket_idx" ON "LimitEvent"("ticket");
CREATE INDEX "LimitEvent_at_idx" ON "LimitEvent"("at");
