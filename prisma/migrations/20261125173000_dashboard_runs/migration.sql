-- CreateTable
CREATE TABLE "DashboardRun" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "hostId" TEXT NOT NULL,
    "durationSec" INTEGER NOT NULL,
    "requestedBy" TEXT NOT NULL,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "DashboardRun_hostId_fkey" FOREIGN KEY ("hostId") REFERENCES "Host" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- AlterTable
ALTER TABLE "Run" ADD COLUMN "hostCpuSec" REAL;
ALTER TABLE "Run" ADD COLUMN "dashboardId" TEXT REFERENCES "DashboardRun" ("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- CreateIndex
CREATE INDEX "DashboardRun_hostId_createdAt_idx" ON "DashboardRun"("hostId", "createdAt");

-- CreateIndex
CREATE INDEX "Run_dashboardId_idx" ON "Run"("dashboardId");
