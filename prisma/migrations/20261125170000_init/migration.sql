-- CreateTable
CREATE TABLE "Host" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "name" TEXT NOT NULL,
    "address" TEXT NOT NULL,
    "port" INTEGER NOT NULL DEFAULT 22,
    "username" TEXT NOT NULL,
    "privateKeyEnc" TEXT NOT NULL,
    "hostKeyAlgo" TEXT,
    "hostKeyBlob" TEXT,
    "hostKeyFingerprint" TEXT,
    "hostKeyPinnedAt" DATETIME,
    "preflightJson" TEXT,
    "preflightAt" DATETIME,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL
);

-- CreateTable
CREATE TABLE "Run" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "hostId" TEXT NOT NULL,
    "toolId" TEXT NOT NULL,
    "variantId" TEXT NOT NULL,
    "scriptSha256" TEXT NOT NULL,
    "durationSec" INTEGER NOT NULL,
    "status" TEXT NOT NULL,
    "requestedBy" TEXT NOT NULL,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "startedAt" DATETIME,
    "endedAt" DATETIME,
    "exitCode" INTEGER,
    "errorMessage" TEXT,
    "stderrTail" TEXT,
    "cancelRequested" BOOLEAN NOT NULL DEFAULT false,
    "rawOutputGz" BLOB,
    "rawOutputBytes" INTEGER NOT NULL DEFAULT 0,
    "rawTruncated" BOOLEAN NOT NULL DEFAULT false,
    "recordCount" INTEGER NOT NULL DEFAULT 0,
    "lostEvents" INTEGER NOT NULL DEFAULT 0,
    "resultJson" TEXT,
    CONSTRAINT "Run_hostId_fkey" FOREIGN KEY ("hostId") REFERENCES "Host" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateIndex
CREATE UNIQUE INDEX "Host_name_key" ON "Host"("name");

-- CreateIndex
CREATE INDEX "Run_hostId_toolId_createdAt_idx" ON "Run"("hostId", "toolId", "createdAt");

-- CreateIndex
CREATE INDEX "Run_status_idx" ON "Run"("status");
