-- Argv redaction (lib/runs/redact): the patterns a run was redacted with, null when it was not.
ALTER TABLE "Run" ADD COLUMN "redactedWith" TEXT;
