/**
 * Optional redaction of secrets on command lines (admin setting `redaction.argvPatterns`), applied to
 * bpftrace's stdout BEFORE it is stored or parsed: the raw output and every row derived from it then
 * hold `<match>***` instead of the secret. Off (no patterns): the bytes pass through untouched, so the
 * raw output stays byte-identical to what bpftrace printed. On: the run records the patterns it was
 * redacted with (Run.redactedWith), shown on the run.
 *
 * A pattern is a regular expression for what precedes a secret (`--password=`, `token=`); the secret is
 * what follows, up to white space, a quote or a JSON escape other than bpftrace's byte escape (in
 * execsnoop output arguments are separated by `\u001f`). Replacing only those characters keeps every
 * line valid JSON. Lines are matched whole (chunks are re-split on newlines); bpftrace prints ASCII
 * only (bytes >= 0x80 as `\uffffffXX`), and latin1 round-trips any byte, so nothing else changes.
 */
import { z } from 'zod';

export const MAX_REDACTION_PATTERNS = 20;
/** a line longer than this is redacted in pieces (a secret cut at a piece boundary may be missed) */
const MAX_HELD_BYTES = 1024 * 1024;

export const redactionPatternSchema = z
  .string()
  .min(1)
  .max(200)
  .refine((p) => {
    try {
      return !new RegExp(p).test('');
    } catch {
      return false;
    }
  }, 'must be a valid regular expression that does not match the empty string');

/** One regex for all patterns, or null when there are none. */
export function compileRedaction(patterns: readonly string[]): RegExp | null {
  if (patterns.length === 0) return null;
  return new RegExp(`(${patterns.map((p) => `(?:${p})`).join('|')})(?:[^\\s"\\\\]|\\\\uffffff[0-9a-fA-F]{2})*`, 'g');
}

export function redactText(text: string, re: RegExp): string {
  return text.replace(re, (_m, keep: string) => `${keep}***`);
}

/** Redacts a byte stream line by line. */
export class LineRedactor {
  private held: Buffer[] = [];
  private heldBytes = 0;

  constructor(private readonly re: RegExp) {}

  private redact(b: Buffer): Buffer {
    return Buffer.from(redactText(b.toString('latin1'), this.re), 'latin1');
  }

  push(chunk: Buffer): Buffer {
    const nl = chunk.lastIndexOf(0x0a);
    if (nl === -1) {
      this.held.push(Buffer.from(chunk));
      this.heldBytes += chunk.length;
      return this.heldBytes > MAX_HELD_BYTES ? this.end() : Buffer.alloc(0);
    }
    const out = this.redact(Buffer.concat([...this.held, chunk.subarray(0, nl + 1)]));
    this.held = [Buffer.from(chunk.subarray(nl + 1))];
    this.heldBytes = chunk.length - nl - 1;
    return out;
  }

  end(): Buffer {
    const out = this.redact(Buffer.concat(this.held));
    this.held = [];
    this.heldBytes = 0;
    return out;
  }
}
