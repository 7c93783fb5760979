import { idParam, route } from '@/lib/http';
import { findReportForRun } from '@/lib/reports/read';

/** The report this run ended up in (its own or its dashboard run's), or whether one is still to come. */
export const GET = route<{ id: string }>({ role: 'viewer' }, async (_req, { params }) => findReportForRun(idParam.parse(params).id));
