-- The hosts list's status column (lib/hosts/status.ts): why the last host check failed, and when.
ALTER TABLE "Host" ADD COLUMN "checkError" TEXT;
ALTER TABLE "Host" ADD COLUMN "checkFailedAt" TIMESTAMPTZ(3);
