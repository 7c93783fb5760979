-- Limits in the database (lib/db/limits.ts): per-key lock rows and rate-limited events, so that
-- quotas and sign-in limits hold across processes sharing this file.
CREATE TABLE "LimitLock" (
    "key" TEXT NOT NULL PRIMARY KEY
);

CREATE TABLE "LimitEvent" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "key" TEXT NOT NULL,
    "at" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "ticket" TEXT
);

CREATE INDEX "LimitEvent_key_at_idx" ON "LimitEvent"("key", "at");
CREATE INDEX "LimitEvent_ticket_idx" ON "LimitEvent"("ticket");
CREATE INDEX "LimitEvent_at_idx" ON "LimitEvent"("at");
