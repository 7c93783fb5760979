-- The scaled form's run claims (the host+tool guard, group and global counts, worker leases) and live state
-- (lib/runs/pg-queue.ts, pg-bus.ts); PostgreSQL form of prisma/migrations/20261202140000_worker.
CREATE TABLE "RunClaim" (
    "runId" TEXT NOT NULL,
    "hostId" TEXT NOT NULL,
    "toolId" TEXT NOT NULL,
    "groupId" TEXT,
    "workerId" TEXT NOT NULL,
    "leaseExpiresAt" TIMESTAMPTZ(3) NOT NULL,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "RunClaim_pkey" PRIMARY KEY ("runId")
);
CREATE UNIQUE INDEX "RunClaim_hostId_toolId_key" ON "RunClaim"("hostId", "toolId");
CREATE INDEX "RunClaim_groupId_idx" ON "RunClaim"("groupId");
CREATE INDEX "RunClaim_workerId_idx" ON "RunClaim"("workerId");
CREATE INDEX "RunClaim_leaseExpiresAt_idx" ON "RunClaim"("leaseExpiresAt");

CREATE TABLE "RunLive" (
    "runId" TEXT NOT NULL,
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
    "updatedAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "RunLive_pkey" PRIMARY KEY ("runId")
);
CREATE INDEX "RunLive_hostId_idx" ON "RunLive"("hostId");
CREATE INDEX "RunLive_updatedAt_idx" ON "RunLive"("updatedAt");
