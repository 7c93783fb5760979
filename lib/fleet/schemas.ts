import { z } from 'zod';
import { wholeNumber } from '@/lib/validation';
import { ID_PATTERN } from '@/lib/ids';

const TOOL_ID = /^[a-z0-9-]{1,32}$/;

/** POST /api/fleet-runs (lib/fleet/types StartFleetRunInput): a selector, host ids, or both (their union). */
export const startFleetRunSchema = z
  .object({
    selector: z.string().max(1024, 'selector: at most 1024 characters').optional(),
    hostIds: z.array(z.string().regex(ID_PATTERN, 'hostIds: not a host id')).max(5000, 'hostIds: at most 5000').optional(),
    toolIds: z.union([
      z.literal('dashboard'),
      z.array(z.string().regex(TOOL_ID, 'toolIds: not a tool id')).min(1, 'toolIds: at least one tool (or "dashboard")').max(32),
    ]),
    /** whole seconds; each tool's own limits are checked against the catalog */
    durationSec: wholeNumber(1, 3600, 'durationSec'),
  })
  .strict()
  .refine((v) => v.selector !== undefined || (v.hostIds !== undefined && v.hostIds.length > 0), 'give a selector or hostIds (or both)');
export type StartFleetRunBody = z.infer<typeof startFleetRunSchema>;

export const fleetListQuery = z.object({
  limit: z.coerce.number().int().min(1).max(200).optional(),
  before: z.string().regex(ID_PATTERN, 'before: not a fleet run id').optional(),
});

export const fleetResultsQuery = z.object({ toolId: z.string().regex(TOOL_ID, 'toolId: not a tool id') });

export const fleetEventsQuery = z.object({ partials: z.enum(['0', '1']).optional() });

/** ?toolId=&format=csv|json|folded|pprof[&kernelSuffix=0]: a fleet export (lib/fleet/export.ts) */
export const fleetExportQuery = z.object({
  toolId: z.string().regex(TOOL_ID, 'toolId: not a tool id'),
  format: z.enum(['csv', 'json', 'folded', 'pprof']),
  kernelSuffix: z
    .enum(['0', '1'])
    .default('1')
    .transform((v) => v === '1'),
});
