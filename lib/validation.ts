/**
 * Shared zod building blocks for request fields (universal: no server-only imports).
 */
import { z } from 'zod';

/**
 * A whole number in a JSON body: a JSON number, or a string of digits (what an HTML form sends).
 * Unlike z.coerce.number() it refuses true, null, [22], "" and "22; id" instead of turning them into
 * numbers.
 */
export function wholeNumber(min: number, max: number, what: string) {
  return z.preprocess(
    (v) => (typeof v === 'string' && /^\s*-?\d{1,15}\s*$/.test(v) ? Number(v) : v),
    z
      .number({ error: `${what}: a whole number` })
      .int(`${what}: a whole number`)
      .min(min, `${what}: at least ${min}`)
      .max(max, `${what}: at most ${max}`),
  );
}
