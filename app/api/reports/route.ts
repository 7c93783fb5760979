import { parseJson, route } from '@/lib/http';
import { createReportBody, listReportsQuery } from '@/lib/reports/schemas';
import { listReports } from '@/lib/reports/list';
import { createDashboardReport, createRunReport } from '@/lib/reports/snapshot';

/** Reports, newest first; ?hostId=&toolId=&from=&to=&limit= */
export const GET = route({ role: 'viewer' }, async (req) => ({
  reports: await listReports(listReportsQuery.parse(Object.fromEntries(new URL(req.url).searchParams))),
}));

/**
 * Make the report of a finished run or dashboard run now (reports are made automatically when runs
 * end; this covers runs from before, and runs the automatic rule leaves out). Idempotent.
 */
export const POST = route({ role: 'operator', audit: { action: 'report.create' } }, async (req, { audit }) => {
  const body = await parseJson(req, createReportBody);
  const id = 'runId' in body ? await createRunReport(body.runId, { force: true }) : await createDashboardReport(body.dashboardId, { force: true });
  audit({ target: `report:${id}`, details: 'runId' in body ? { runId: body.runId } : { dashboardId: body.dashboardId } });
  return Response.json({ report: { id } }, { status: 201 });
});
