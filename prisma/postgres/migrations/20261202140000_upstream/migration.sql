-- Runs of scripts that are not catalog files (issue 11): the host package's upstream tools. Where the
-- script came from, the host file it was read from, the exact text that ran, the pinned upstream fix
-- applied to it (if any), and the bpftrace version it ran on (lib/runs/script.ts).
ALTER TABLE "Run" ADD COLUMN "scriptSource" TEXT NOT NULL DEFAULT 'catalog';
ALTER TABLE "Run" ADD COLUMN "scriptPath" TEXT;
ALTER TABLE "Run" ADD COLUMN "scriptText" TEXT;
ALTER TABLE "Run" ADD COLUMN "scriptPatchJson" TEXT;
ALTER TABLE "Run" ADD COLUMN "bpftraceVersion" TEXT;
