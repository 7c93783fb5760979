/**
 * Fuzzing the decoder and every tool parser (F5): random and adversarial lines, cut into random
 * chunks, must never make LineDecoder.push/end, a parser's push/snapshot/finish, or the JSON.stringify
 * that stores the result throw. Seeded and bounded (fast-check, fixed seed and run counts), so a
 * failure reproduces: the seed and the shrunk counterexample are in the failure message.
 */
import { readFileSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createDecoder, decodeLine, MAX_NESTING_DEPTH } from '@/lib/bpftrace/decoder';
import type { BtRecord } from '@/lib/bpftrace/types';
import { REGISTRY } from '@/lib/tools/registry';

const SEED = 20261202;
const FIXTURES = path.resolve(__dirname, '../fixtures');

/** Real lines of every tool capture (< 200 kB files), as the seed corpus to mutate. */
function realLines(): string[] {
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const f of readdirSync(dir)) {
      const p = path.join(dir, f);
      if (statSync(p).isDirectory()) walk(p);
      else if (f.endsWith('.jsonl') && statSync(p).size < 200_000) out.push(...readFileSync(p, 'utf8').split('\n').filter(Boolean).slice(0, 40));
    }
  };
  walk(FIXTURES);
  return out;
}
const REAL = realLines();

const nest = (depth: number, open: string, close: string, inner = '1') => open.repeat(depth) + inner + close.repeat(depth);

/** Hand-written hostile lines: the ones a probe found, and their neighbours. */
const ADVERSARIAL: string[] = [
  `{"type":"value","data":${nest(200_000, '[', ']')}}`,
  `{"type":"map","data":{"@x":${nest(100_000, '{"a":', '}')}}}`,
  `{"type":"weird","data":${nest(50_000, '[{"k":', '}]')}}`,
  `{"type":"printf","data":${nest(MAX_NESTING_DEPTH + 1, '[', ']')}}`,
  `{"type":"map","data":{"@a":{"k\\uffffffc3\\uffffffa9":${nest(80_000, '[', ']')}}}}`,
  `{"type":"hist","data":{"@h":[{"min":1e400,"max":-1e400,"count":1e308}]}}`,
  `{"type":"map","data":{"@n":{"18446744073709551615":18446744073709551615,"-0":-0}}}`,
  `{"type":"printf","data":"${'A'.repeat(3_000_000)}"}`,
  `{"type":"printf","data":"\\uffffffff\\uffffff00\\uffffff\\uffffffzz\\u0000\\ud800"}`,
  `{"type":"printf","data":"\\uffffffc3"}`,
  `{"type":"printf","data":"\\ufffff"}`,
  `{"type":"map","data":{"@":{"\\uffffffe2\\uffffff80\\uffffffae":1}}}`,
  `{"type":"lost_events","data":{"events":"many"}}`,
  `{"type":"helper_error","helper":7,"retcode":"x"}`,
  `{"type":"attached_probes","data":{"probes":1e999}}`,
  '{"type":"printf","data":"\u0000\u202e\ufeff"}',
  '\u0000\u0000{"type":',
  '{"type":"map","data":{"@m":{"__proto__":1,"constructor":2}}}',
  '{"type":"stats","data":{"@s":{"count":1,"average":2,"total":3,"extra":{"x":[]}}}}',
  '{"type":"join","data":null}',
  '[]',
  'null',
  '"str"',
  '{',
  '}',
];

/** Bytes that are not UTF-8 at all (cut sequences, overlongs, surrogates, 0xFF). */
const INVALID_UTF8 = [
  Buffer.from([0xc3]),
  Buffer.from([0xe2, 0x80]),
  Buffer.from([0xc0, 0xaf]),
  Buffer.from([0xed, 0xa0, 0x80]),
  Buffer.from([0xff, 0xfe, 0x00]),
];

const jsonValue = fc.letrec((tie) => ({
  v: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.constantFrom(0, -1, 1e308, -1e-308, 2 ** 64, Number.MAX_SAFE_INTEGER + 2, 'a', '', '\u202e', '\\uffffff', null, true),
    fc.double({ noNaN: true, noDefaultInfinity: true }),
    fc.string({ unit: 'binary', maxLength: 40 }),
    fc.array(tie('v'), { maxLength: 4 }),
    fc.dictionary(fc.string({ maxLength: 8 }), tie('v'), { maxKeys: 4 }),
  ),
})).v;

const TYPES = ['map', 'stats', 'hist', 'printf', 'join', 'time', 'value', 'lost_events', 'helper_error', 'attached_probes', 'other'];

/** A line: a real one mutated, a generated record, or plain noise, as bytes. */
const lineBytes = fc.oneof(
  fc.constantFrom(...REAL).map((l) => Buffer.from(l)),
  fc
    .tuple(
      fc.constantFrom(...REAL),
      fc.nat(),
      fc.nat({ max: 30 }),
      fc.constantFrom('', '\\uffffff', '\u202e', '\u0000', '{', '"', '\\', ']', '1e400', '\\ud800'),
    )
    .map(([l, at, cut, ins]) => Buffer.from(l.slice(0, at % (l.length + 1)) + ins + l.slice((at % (l.length + 1)) + cut))),
  fc
    .tuple(fc.constantFrom(...TYPES), jsonValue, jsonValue)
    .map(([type, data, extra]) => Buffer.from(JSON.stringify({ type, data, helper: extra, retcode: extra }))),
  fc
    .tuple(fc.constantFrom(...TYPES), fc.integer({ min: 1, max: 3000 }), fc.constantFrom('[', '{"a":'))
    .map(([type, d, open]) => Buffer.from(`{"type":"${type}","data":${nest(d, open, open === '[' ? ']' : '}')}}`)),
  fc.uint8Array({ maxLength: 80 }).map((b) => Buffer.from(b)),
  fc.tuple(fc.constantFrom(...REAL), fc.constantFrom(...INVALID_UTF8), fc.nat()).map(([l, bad, at]) => {
    const b = Buffer.from(l);
    const i = at % (b.length + 1);
    return Buffer.concat([b.subarray(0, i), bad, b.subarray(i)]);
  }),
);

/** Decode `bytes` cut at `cuts`, feed every tool parser; returns the records. Throws if anything throws. */
function runAll(bytes: Buffer, cuts: number[], maxLineBytes?: number): BtRecord[] {
  const dec = createDecoder({ maxLineBytes });
  const recs: BtRecord[] = [];
  let at = 0;
  for (const c of [...cuts.map((x) => x % (bytes.length + 1))].sort((a, b) => a - b)) {
    recs.push(...dec.push(bytes.subarray(at, c)));
    at = c;
  }
  recs.push(...dec.push(bytes.subarray(at)));
  recs.push(...dec.end());
  for (const tool of REGISTRY) {
    const p = tool.createParser();
    for (const r of recs) p.push(r);
    JSON.stringify(p.snapshot());
    JSON.stringify(p.finish());
  }
  return recs;
}

describe('fuzz: decoder and parsers never throw', () => {
  it('the hand-written hostile lines: each is one record, the deep ones malformed (not RangeError)', () => {
    expect(REAL.length).toBeGreaterThan(100);
    for (const line of ADVERSARIAL) {
      const recs = runAll(Buffer.from(`${line}\n`), []);
      expect(recs.length, line.slice(0, 80)).toBeLessThanOrEqual(1);
    }
    for (const line of ADVERSARIAL.slice(0, 5)) {
      const r = decodeLine(line);
      expect(r?.type, line.slice(0, 60)).toBe('malformed');
      expect(r?.type === 'malformed' && r.reason).toMatch(/nested deeper than 64 levels|not a string/);
      expect(r?.type === 'malformed' && r.line.length).toBeLessThanOrEqual(513);
    }
  });

  it('structures up to the depth limit are kept as unknown records, one level more is malformed', () => {
    const inner = (d: number) => `{"type":"value","data":${nest(d - 1, '[', ']')}}`; // the record object is level 1
    expect(decodeLine(inner(MAX_NESTING_DEPTH))?.type).toBe('unknown');
    expect(decodeLine(inner(MAX_NESTING_DEPTH + 1))?.type).toBe('malformed');
  });

  it('random lines in random chunks (seeded)', () => {
    fc.assert(
      fc.property(fc.array(lineBytes, { minLength: 1, maxLength: 12 }), fc.array(fc.nat(), { maxLength: 6 }), fc.boolean(), (lines, cuts, noFinalNl) => {
        const body = Buffer.concat(lines.flatMap((l) => [l, Buffer.from('\n')]));
        runAll(noFinalNl ? body.subarray(0, body.length - 1) : body, cuts);
      }),
      { seed: SEED, numRuns: 400 },
    );
  });

  it('random lines with a small line limit (the overlong path), seeded', () => {
    fc.assert(
      fc.property(
        fc.array(lineBytes, { minLength: 1, maxLength: 8 }),
        fc.array(fc.nat(), { maxLength: 6 }),
        fc.integer({ min: 1, max: 300 }),
        (lines, cuts, max) => {
          const recs = runAll(Buffer.concat(lines.flatMap((l) => [l, Buffer.from('\n')])), cuts, max);
          for (const r of recs) if (r.type === 'malformed') expect(r.line.length).toBeLessThanOrEqual(513);
        },
      ),
      { seed: SEED + 1, numRuns: 200 },
    );
  });
});
