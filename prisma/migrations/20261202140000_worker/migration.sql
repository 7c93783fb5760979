-- The scaled form's run claims and live state (lib/runs/pg-queue.ts, pg-bus.ts). SQLite has the tables
-- for schema parity (scripts/schema-drift.ts) but its in-process runner does not use them.
CREATE TABLE "RunClaim" (
    "runId" TEXT NOT NULL PRIMARY KEY,
    "hostId" TEXT NOT NULL,
    "toolId" TEXT NOT NULL,
    "groupId" TEXT,
    "workerId" TEXT NOT NULL,
    "leaseExpiresAt" DATETIME NOT NULL,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP
);
CREATE UNIQUE INDEX "RunClaim_hostId_toolId_key" ON "RunClaim"("hostId", "toolId");
CREATE INDEX "RunClaim_groupId_idx" ON "RunClaim"("groupId");
CREATE INDEX "RunClaim_workerId_idx" ON "RunClaim"("workerId");
CREATE INDEX "RunClaim_leaseExpiresAt_idx" ON "RunClaim"("leaseExpiresAt");

CREATE TABLE "RunLive" (
    "runId" TEXT NOT NULL PRIMARY KEY,
    "hostId" TEXT NOT NULL,
    "seq" INTEGER NOT NULL DEFAULT 0,
    "runJson" TEXT,
    "runSeq" INTEGER NOT NULL DEFAULT 0,
    "progressJson" TEXT,
    "progressSeq" INTEGER NOT NULL DEFAULT 0,
    "partialJson" TEXT,
    "partialSeq" INTEGER NOT NULL DEFAULT 0,
    "doneJson" TEXT,
    "doneSeq" INTEGER NOT NULL DEFAULT 0,
    "updatedAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP
);
CREATE INDEX "RunLive_hostId_idx" ON "RunLive"("hostId");
CREATE INDEX "RunLive_updatedAt_idx" ON "RunLive"("updatedAt");
