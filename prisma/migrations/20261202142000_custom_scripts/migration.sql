-- Custom scripts (lib/scripts): named scripts and their immutable versions (text + sha256), with
-- approval and the last compile-only check on a host.

-- CreateTable
CREATE TABLE "CustomScript" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "name" TEXT NOT NULL,
    "description" TEXT NOT NULL DEFAULT '',
    "createdBy" TEXT NOT NULL,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL
);

-- CreateTable
CREATE TABLE "CustomScriptVersion" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "scriptId" TEXT NOT NULL,
    "number" INTEGER NOT NULL,
    "text" TEXT NOT NULL,
    "sha256" TEXT NOT NULL,
    "author" TEXT NOT NULL,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "checkJson" TEXT,
    "approvedBy" TEXT,
    "approvedAt" DATETIME,
    CONSTRAINT "CustomScriptVersion_scriptId_fkey" FOREIGN KEY ("scriptId") REFERENCES "CustomScript" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateIndex
CREATE UNIQUE INDEX "CustomScript_name_key" ON "CustomScript"("name");

-- CreateIndex
CREATE UNIQUE INDEX "CustomScriptVersion_scriptId_number_key" ON "CustomScriptVersion"("scriptId", "number");

-- CreateIndex
CREATE INDEX "CustomScriptVersion_sha256_idx" ON "CustomScriptVersion"("sha256");
