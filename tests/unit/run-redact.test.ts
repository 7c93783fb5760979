/** Argv redaction before storage (lib/runs/redact): real execsnoop lines, any chunking, valid JSON kept. */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { compileRedaction, LineRedactor, redactionPatternSchema } from '@/lib/runs/redact';
import { decodeAll } from '@/lib/bpftrace/decoder';

const REAL = readFileSync(path.resolve(__dirname, '../fixtures/execsnoop/0.17.0/execsnoop.jsonl'));
const SECRET_LINE =
  '{"type": "printf", "data": "A\\u001f4242\\u001f1\\u001f-1\\u001f0\\u001f1\\u001fmysql\\u001f--user=root\\u001f--password=hunter2\\u001fapi_token=zq9s\\uffffffc3\\uffffffa9def"}\n';

function redactAll(buf: Buffer, re: RegExp, step: number): Buffer {
  const r = new LineRedactor(re);
  const out: Buffer[] = [];
  for (let i = 0; i < buf.length; i += step) out.push(r.push(buf.subarray(i, i + step)));
  out.push(r.end());
  return Buffer.concat(out);
}

describe('argv redaction', () => {
  const re = compileRedaction(['--password=', 'token='])!;

  it('replaces what follows each pattern, up to the next argument, in any chunking; lines stay valid', () => {
    const input = Buffer.concat([REAL, Buffer.from(SECRET_LINE)]);
    for (const step of [1, 7, 64, 4096, input.length]) {
      const out = redactAll(input, re, step).toString('latin1');
      expect(out).not.toContain('hunter2');
      expect(out).not.toContain('zq9s');
      expect(out).toContain('--password=***\\u001fapi_token=***"');
      expect(out.length).toBeLessThan(input.length);
      const recs = decodeAll(Buffer.from(out, 'latin1'));
      expect(recs.filter((r) => r.type === 'malformed')).toEqual([]);
      expect(recs.length).toBe(decodeAll(input).length);
    }
  });

  it('lines without a match come out byte-identical', () => {
    expect(redactAll(REAL, re, 100).equals(REAL)).toBe(true);
  });

  it('no patterns: no redactor; bad or empty-matching patterns are refused', () => {
    expect(compileRedaction([])).toBeNull();
    expect(redactionPatternSchema.safeParse('(').success).toBe(false);
    expect(redactionPatternSchema.safeParse('x*').success).toBe(false);
    expect(redactionPatternSchema.safeParse('--pass(word)?=').success).toBe(true);
  });
});
