-- Closed sets of values as CHECK constraints on text columns, not PostgreSQL enums: an enum would make
-- the PostgreSQL client's field types differ from the SQLite client's (one client type serves both:
-- lib/db/client.ts), and a value added to an enum cannot be used in the transaction that adds it (each
-- migration here is one transaction). A new value means a migration replacing the constraint
-- (tests/unit/db-drift.test.ts checks these lists against the code's: RUN_STATUSES, ROLES, AUDIT_OUTCOMES).
ALTER TABLE "Run" ADD CONSTRAINT "Run_status_check" CHECK ("status" IN ('queued', 'connecting', 'running', 'completed', 'failed', 'cancelled'));
ALTER TABLE "ReportItem" ADD CONSTRAINT "ReportItem_status_check" CHECK ("status" IN ('queued', 'connecting', 'running', 'completed', 'failed', 'cancelled'));
ALTER TABLE "User" ADD CONSTRAINT "User_role_check" CHECK ("role" IN ('viewer', 'operator', 'admin'));
ALTER TABLE "ApiToken" ADD CONSTRAINT "ApiToken_role_check" CHECK ("role" IN ('viewer', 'operator', 'admin'));
ALTER TABLE "AuditEvent" ADD CONSTRAINT "AuditEvent_outcome_check" CHECK ("outcome" IN ('ok', 'failed', 'denied'));
