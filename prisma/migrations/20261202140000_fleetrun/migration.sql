-- Fleet runs (issue 9): one request, one run per host and tool (Run.fleetRunId), and fleet reports
-- (a Report of kind fleet with one kind fleet-host Report per host under it: Report.parentReportId).

-- CreateTable
CREATE TABLE "FleetRun" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "selector" TEXT,
    "toolIdsJson" TEXT NOT NULL,
    "durationSec" INTEGER NOT NULL,
    "fanout" INTEGER NOT NULL,
    "requestedBy" TEXT NOT NULL,
    "hostsJson" TEXT NOT NULL,
    "cancelRequested" BOOLEAN NOT NULL DEFAULT false,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP
);
CREATE INDEX "FleetRun_createdAt_idx" ON "FleetRun"("createdAt");

-- AlterTable
ALTER TABLE "Run" ADD COLUMN "fleetRunId" TEXT REFERENCES "FleetRun" ("id") ON DELETE SET NULL ON UPDATE CASCADE;
CREATE INDEX "Run_fleetRunId_idx" ON "Run"("fleetRunId");

ALTER TABLE "Report" ADD COLUMN "fleetRunId" TEXT;
ALTER TABLE "Report" ADD COLUMN "parentReportId" TEXT REFERENCES "Report" ("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "Report" ADD COLUMN "fleetJson" TEXT;
CREATE UNIQUE INDEX "Report_fleetRunId_key" ON "Report"("fleetRunId");
CREATE INDEX "Report_parentReportId_idx" ON "Report"("parentReportId");
