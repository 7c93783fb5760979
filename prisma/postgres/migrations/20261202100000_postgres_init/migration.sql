-- bpfdeck on PostgreSQL: the whole schema as of the SQLite migrations up to 20261126090000_run_params
-- (same tables, columns, indexes and constraints; TIMESTAMPTZ for DateTime, BYTEA for Bytes).
-- Applied by lib/db/migrate.ts like the SQLite ones. Later changes: a new folder here AND in
-- prisma/migrations (scripts/schema-drift.ts fails the tests when the two schemas differ).

-- from 20261125170000_init
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
    "hostKeyPinnedAt" TIMESTAMPTZ(3),
    "preflightJson" TEXT,
    "preflightAt" TIMESTAMPTZ(3),
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL
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
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "startedAt" TIMESTAMPTZ(3),
    "endedAt" TIMESTAMPTZ(3),
    "exitCode" INTEGER,
    "errorMessage" TEXT,
    "stderrTail" TEXT,
    "cancelRequested" BOOLEAN NOT NULL DEFAULT false,
    "rawOutputGz" BYTEA,
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

-- from 20261125173000_dashboard_runs
-- CreateTable
CREATE TABLE "DashboardRun" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "hostId" TEXT NOT NULL,
    "durationSec" INTEGER NOT NULL,
    "requestedBy" TEXT NOT NULL,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "DashboardRun_hostId_fkey" FOREIGN KEY ("hostId") REFERENCES "Host" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- AlterTable
ALTER TABLE "Run" ADD COLUMN "hostCpuSec" DOUBLE PRECISION;
ALTER TABLE "Run" ADD COLUMN "dashboardId" TEXT REFERENCES "DashboardRun" ("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- CreateIndex
CREATE INDEX "DashboardRun_hostId_createdAt_idx" ON "DashboardRun"("hostId", "createdAt");

-- CreateIndex
CREATE INDEX "Run_dashboardId_idx" ON "Run"("dashboardId");

-- from 20261125180000_reports
-- CreateTable
CREATE TABLE "RawOutput" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "sha256" TEXT NOT NULL,
    "bytes" INTEGER NOT NULL,
    "gz" BYTEA,
    "gzBytes" INTEGER NOT NULL,
    "truncated" BOOLEAN NOT NULL DEFAULT false,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "expiredAt" TIMESTAMPTZ(3)
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
    "startedAt" TIMESTAMPTZ(3),
    "endedAt" TIMESTAMPTZ(3),
    "durationSec" INTEGER NOT NULL,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
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
    "startedAt" TIMESTAMPTZ(3),
    "endedAt" TIMESTAMPTZ(3),
    "exitCode" INTEGER,
    "errorMessage" TEXT,
    "stderrTail" TEXT,
    "recordCount" INTEGER NOT NULL DEFAULT 0,
    "lostEvents" INTEGER NOT NULL DEFAULT 0,
    "hostCpuSec" DOUBLE PRECISION,
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
    "updatedAt" TIMESTAMPTZ(3) NOT NULL
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

-- from 20261125181000_auth
-- Access control: users, sessions and accounts (better-auth's tables), API tokens, and the audit log.

-- CreateTable
CREATE TABLE "User" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "name" TEXT NOT NULL,
    "email" TEXT NOT NULL,
    "emailVerified" BOOLEAN NOT NULL DEFAULT false,
    "image" TEXT,
    "role" TEXT NOT NULL DEFAULT 'viewer',
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL
);

-- CreateTable
CREATE TABLE "Session" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "expiresAt" TIMESTAMPTZ(3) NOT NULL,
    "token" TEXT NOT NULL,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,
    "ipAddress" TEXT,
    "userAgent" TEXT,
    "userId" TEXT NOT NULL,
    CONSTRAINT "Session_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "Account" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "accountId" TEXT NOT NULL,
    "providerId" TEXT NOT NULL,
    "userId" TEXT NOT NULL,
    "accessToken" TEXT,
    "refreshToken" TEXT,
    "idToken" TEXT,
    "accessTokenExpiresAt" TIMESTAMPTZ(3),
    "refreshTokenExpiresAt" TIMESTAMPTZ(3),
    "scope" TEXT,
    "password" TEXT,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,
    CONSTRAINT "Account_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "Verification" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "identifier" TEXT NOT NULL,
    "value" TEXT NOT NULL,
    "expiresAt" TIMESTAMPTZ(3) NOT NULL,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL
);

-- CreateTable
CREATE TABLE "ApiToken" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "name" TEXT NOT NULL,
    "tokenHash" TEXT NOT NULL,
    "prefix" TEXT NOT NULL,
    "role" TEXT NOT NULL,
    "createdById" TEXT NOT NULL,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "expiresAt" TIMESTAMPTZ(3),
    "lastUsedAt" TIMESTAMPTZ(3),
    "revokedAt" TIMESTAMPTZ(3),
    CONSTRAINT "ApiToken_createdById_fkey" FOREIGN KEY ("createdById") REFERENCES "User" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "AuditEvent" (
    "id" SERIAL NOT NULL PRIMARY KEY,
    "at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "actor" TEXT NOT NULL,
    "actorId" TEXT,
    "via" TEXT NOT NULL,
    "tokenId" TEXT,
    "ip" TEXT,
    "userAgent" TEXT,
    "action" TEXT NOT NULL,
    "target" TEXT,
    "outcome" TEXT NOT NULL,
    "status" INTEGER,
    "details" TEXT
);

-- CreateIndex
CREATE UNIQUE INDEX "User_email_key" ON "User"("email");

-- CreateIndex
CREATE UNIQUE INDEX "Session_token_key" ON "Session"("token");

-- CreateIndex
CREATE INDEX "Session_userId_idx" ON "Session"("userId");

-- CreateIndex
CREATE INDEX "Account_userId_idx" ON "Account"("userId");

-- CreateIndex
CREATE INDEX "Verification_identifier_idx" ON "Verification"("identifier");

-- CreateIndex
CREATE UNIQUE INDEX "ApiToken_tokenHash_key" ON "ApiToken"("tokenHash");

-- CreateIndex
CREATE INDEX "ApiToken_createdById_idx" ON "ApiToken"("createdById");

-- CreateIndex
CREATE INDEX "AuditEvent_at_idx" ON "AuditEvent"("at");

-- CreateIndex
CREATE INDEX "AuditEvent_action_at_idx" ON "AuditEvent"("action", "at");

-- CreateIndex
CREATE INDEX "AuditEvent_actor_at_idx" ON "AuditEvent"("actor", "at");

-- The audit log is append-only: no UPDATE, no DELETE, whoever asks (the app has no API for either;
-- these triggers also stop a bug, a script or a careless SQL shell).
-- Append-only audit log: the same refusal as SQLite's triggers (RAISE(ABORT, ...)), one function.
-- TRUNCATE is refused too (a statement trigger), which SQLite has no equivalent of.
CREATE FUNCTION "AuditEvent_append_only"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'AuditEvent is append-only: rows cannot be %', lower(TG_OP) || 'd';
END;
$$;
CREATE TRIGGER "AuditEvent_no_update" BEFORE UPDATE ON "AuditEvent" FOR EACH ROW EXECUTE FUNCTION "AuditEvent_append_only"();
CREATE TRIGGER "AuditEvent_no_delete" BEFORE DELETE ON "AuditEvent" FOR EACH ROW EXECUTE FUNCTION "AuditEvent_append_only"();
CREATE TRIGGER "AuditEvent_no_truncate" BEFORE TRUNCATE ON "AuditEvent" FOR EACH STATEMENT EXECUTE FUNCTION "AuditEvent_append_only"();

-- from 20261126090000_run_params
-- The tool parameters a run was started with (every parameter of the tool, defaults included), as a
-- JSON object; null for tools without parameters. The script text of a run is the catalog file
-- rendered with these, so a report can always rebuild and check it against the run's sha256.

-- AlterTable
ALTER TABLE "Run" ADD COLUMN "paramsJson" TEXT;

