import { RUN_TOOL_ID_RE } from '@/lib/runs/tool-id';
import { z } from 'zod';
import { ID_PATTERN } from '@/lib/ids';

const id = z.string().regex(ID_PATTERN, 'not an id');
export const toolIdSchema = z.string().regex(RUN_TOOL_ID_RE, 'not a tool id');

/** datetime-local ("2026-11-25T18:00", read as UTC), a date, or full ISO; empty = no bound */
const when = z
  .string()
  .optional()
  .transform((s, ctx) => {
    if (!s) return undefined;
    // a form's datetime-local has no zone: the pages show UTC, so read it as UTC
    const d = new Date(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?$/.test(s) ? `${s}Z` : s);
    if (Number.isNaN(d.getTime())) {
      ctx.addIssue({ code: 'custom', message: 'not a date' });
      return z.NEVER;
    }
    return d;
  });

export const listReportsQuery = z.object({
  hostId: id.optional(),
  toolId: toolIdSchema.optional(),
  /** reports taken at or after this instant */
  from: when,
  /** reports taken before this instant */
  to: when,
  limit: z.coerce.number().int().min(1).max(500).optional(),
});
export type ListReportsQuery = z.infer<typeof listReportsQuery>;

export const createReportBody = z.union([z.object({ runId: id }).strict(), z.object({ dashboardId: id }).strict()]);

export const importQuery = z.object({
  /** absent: the generic result (any bpftrace program), or a tool recognised from its records */
  toolId: toolIdSchema.optional(),
  /** what to call the host the capture came from (shown as the report's host) */
  hostName: z.string().trim().min(1).max(120),
  bpftraceVersion: z
    .string()
    .trim()
    .regex(/^v?\d+\.\d+(\.\d+)?$/, 'bpftraceVersion: like 0.17.0')
    .optional()
    .or(z.literal('').transform(() => undefined)),
  kernelRelease: z
    .string()
    .trim()
    .max(200)
    .optional()
    .or(z.literal('').transform(() => undefined)),
});
export type ImportQuery = z.infer<typeof importQuery>;

export const itemQuery = z.object({ tool: toolIdSchema });
