-- CreateTable
CREATE TABLE "RawOutput" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "sha256" TEXT NOT NULL,
    "bytes" INTEGER NOT NULL,
    "gz" BLOB,
    "gzBytes" INTEGER NOT NULL,
    "truncated" BOOLEAN NOT NULL DEFAULT false,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "expiredAt" DATETIME
);

-- CreateTable
CREATE TABLE "Report" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "kind" TEXT NOT NULL,
    "title" TEXT NOT NULL,
    "hostId" TEXT,
    "hostName" TEXT NOT NULL,
    "hostAddress" TEXT,
    "hostPort" INTEGER,
    "hostUser" TEXT,
    "kernelRelease" TEXT,
    "bpftraceVersion" TEXT,
    "capabilitiesJson" TEXT,
    "requestedBy" TEXT NOT NULL,
    "runId" TEXT,
    "dashboardId" TEXT,
    "startedAt" DATETIME,
    "endedAt" DATETIME,
    "durationSec" INTEGER NOT NULL,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "Report_hostId_fkey" FOREIGN KEY ("hostId") REFERENCES "Host" ("id") ON DELETE SET NULL ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "ReportItem" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "reportId" TEXT NOT NULL,
    "position" INTEGER NOT NULL,
    "runId" TEXT,
    "toolId" TEXT NOT NULL,
    "toolTitle" TEXT NOT NULL,
    "viz" TEXT NOT NULL,
    "variantId" TEXT NOT NULL,
    "scriptFile" TEXT,
    "scriptText" TEXT,
    "scriptSha256" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "requestedBy" TEXT NOT NULL,
    "durationSec" INTEGER NOT NULL,
    "startedAt" DATETIME,
    "endedAt" DATETIME,
    "exitCode" INTEGER,
    "errorMessage" TEXT,
    "stderrTail" TEXT,
    "recordCount" INTEGER NOT NULL DEFAULT 0,
    "lostEvents" INTEGER NOT NULL DEFAULT 0,
    "hostCpuSec" REAL,
    "rawOutputBytes" INTEGER NOT NULL DEFAULT 0,
    "rawTruncated" BOOLEAN NOT NULL DEFAULT false,
    "rawOutputId" TEXT,
    "resultJson" TEXT,
    CONSTRAINT "ReportItem_reportId_fkey" FOREIGN KEY ("reportId") REFERENCES "Report" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "ReportItem_rawOutputId_fkey" FOREIGN KEY ("rawOutputId") REFERENCES "RawOutput" ("id") ON DELETE SET NULL ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "Setting" (
    "key" TEXT NOT NULL PRIMARY KEY,
    "value" TEXT NOT NULL,
    "updatedBy" TEXT NOT NULL,
    "updatedAt" DATETIME NOT NULL
);

-- AlterTable
ALTER TABLE "Run" ADD COLUMN "rawOutputId" TEXT REFERENCES "RawOutput" ("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- CreateIndex
CREATE INDEX "RawOutput_createdAt_idx" ON "RawOutput"("createdAt");

-- CreateIndex
CREATE UNIQUE INDEX "Report_runId_key" ON "Report"("runId");

-- CreateIndex
CREATE UNIQUE INDEX "Report_dashboardId_key" ON "Report"("dashboardId");

-- CreateIndex
CREATE INDEX "Report_hostId_createdAt_idx" ON "Report"("hostId", "createdAt");

-- CreateIndex
CREATE INDEX "Report_createdAt_idx" ON "Report"("createdAt");

-- CreateIndex
CREATE INDEX "ReportItem_runId_idx" ON "ReportItem"("runId");

-- CreateIndex
CREATE INDEX "ReportItem_toolId_idx" ON "ReportItem"("toolId");

-- CreateIndex
CREATE INDEX "ReportItem_rawOutputId_idx" ON "ReportItem"("rawOutputId");

-- CreateIndex
CREATE UNIQUE INDEX "ReportItem_reportId_toolId_key" ON "ReportItem"("reportId", "toolId");

-- CreateIndex
CREATE INDEX "Run_rawOutputId_idx" ON "Run"("rawOutputId");
