import { z } from 'zod';
import { wholeNumber } from '@/lib/validation';

export const startRunSchema = z.object({
  hostId: z.string().regex(/^[A-Za-z0-9_-]{22}$/, 'hostId: not a host id'),
  toolId: z.string().regex(/^[a-z0-9-]{1,32}$/, 'toolId: not a tool id'),
  /** whole seconds; the tool's own limits are checked against the catalog */
  durationSec: wholeNumber(1, 3600, 'durationSec'),
  /** tool parameters by name (integers); names and ranges are checked against the catalog (ToolParam) */
  params: z.record(z.string().regex(/^[A-Za-z][A-Za-z0-9]{0,31}$/, 'params: not a parameter name'), z.number().int('params: whole numbers')).optional(),
});
export type StartRunInput = z.infer<typeof startRunSchema>;
