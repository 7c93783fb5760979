/** Request shapes of the custom-script API (universal: the pages use the limits too). */
import { z } from 'zod';
import { ID_PATTERN } from '@/lib/ids';
import { wholeNumber } from '@/lib/validation';
import { CUSTOM_MAX_DURATION_SEC, CUSTOM_MIN_DURATION_SEC } from '@/lib/scripts/limits';

/** a script's text: what bpftrace reads from a file (never a shell) */
export const MAX_SCRIPT_BYTES = 64 * 1024;
/** how long a custom script may run (the host's own timeout ends it; stop escalation as for catalog tools) */
export { CUSTOM_DEFAULT_DURATION_SEC, CUSTOM_MAX_DURATION_SEC, CUSTOM_MIN_DURATION_SEC } from '@/lib/scripts/limits';

export const scriptTextSchema = z
  .string()
  .refine((s) => s.trim().length > 0, 'text: the script is empty')
  .refine((s) => new TextEncoder().encode(s).length <= MAX_SCRIPT_BYTES, `text: at most ${MAX_SCRIPT_BYTES / 1024} KiB`)
  .refine((s) => !s.includes('\0'), 'text contains a NUL byte');

export const scriptNameSchema = z
  .string()
  .trim()
  .min(1, 'name is required')
  .max(64, 'name: at most 64 characters')
  .regex(/^[A-Za-z0-9][A-Za-z0-9 ._-]*$/, 'name: letters, digits, space, dot, dash and underscore only');

const idSchema = z.string().regex(ID_PATTERN, 'not an id');

export const createScriptSchema = z.object({
  name: scriptNameSchema,
  description: z.string().trim().max(500, 'description: at most 500 characters').default(''),
  text: scriptTextSchema,
});
export type CreateScriptInput = z.infer<typeof createScriptSchema>;

export const saveVersionSchema = z.object({ text: scriptTextSchema });

export const checkScriptSchema = z.object({ hostId: idSchema, text: scriptTextSchema });

export const versionParams = z.object({ id: idSchema, versionId: idSchema });

export const startScriptRunSchema = z.object({
  hostId: idSchema,
  durationSec: wholeNumber(CUSTOM_MIN_DURATION_SEC, CUSTOM_MAX_DURATION_SEC, 'durationSec'),
  /** the approved version to run; the newest approved one when absent */
  versionId: idSchema.optional(),
});
export type StartScriptRunInput = z.infer<typeof startScriptRunSchema>;
