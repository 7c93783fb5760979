import { z } from 'zod';
import { route } from '@/lib/http';
import { ID_PATTERN } from '@/lib/ids';
import { toolIdSchema } from '@/lib/reports/schemas';
import { loadComparison } from '@/lib/reports/comparison';

const query = z.object({ a: z.string().regex(ID_PATTERN), b: z.string().regex(ID_PATTERN), tool: toolIdSchema });

/** ?a=<report>&b=<report>&tool=<id>: differential profile, or latency percentiles side by side. */
export const GET = route({ role: 'viewer' }, async (req) => {
  const q = query.parse(Object.fromEntries(new URL(req.url).searchParams));
  return { comparison: await loadComparison(q.a, q.b, q.tool) };
});
