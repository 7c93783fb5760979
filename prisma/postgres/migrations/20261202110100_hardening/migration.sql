-- Argv redaction (lib/runs/redact), PostgreSQL form of prisma/migrations/20261202100000_hardening.
ALTER TABLE "Run" ADD COLUMN "redactedWith" TEXT;
