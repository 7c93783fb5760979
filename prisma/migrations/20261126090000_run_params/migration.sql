-- The tool parameters a run was started with (every parameter of the tool, defaults included), as a
-- JSON object; null for tools without parameters. The script text of a run is the catalog file
-- rendered with these, so a report can always rebuild and check it against the run's sha256.

-- AlterTable
ALTER TABLE "Run" ADD COLUMN "paramsJson" TEXT;
