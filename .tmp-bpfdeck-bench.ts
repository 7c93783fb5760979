import { readFileSync } from 'node:fs';
import { decodeAll } from '@/lib/bpftrace/decoder';
function bench(name: string, lines: string[]) {
  const buf = Buffer.from(lines.join('\n') + '\n');
  const reps = Math.max(1, Math.floor(20_000_000 / buf.length));
  const time = (f: () => void) => { f(); const t = process.hrtime.bigint(); for (let i = 0; i < reps; i++) f(); return Number(process.hrtime.bigint() - t) / 1e6; };
  const plain = time(() => { for (const l of buf.toString('utf8').split('\n')) if (l) JSON.parse(l); });
  const ours = time(() => { decodeAll(buf); });
  console.log(name.padEnd(26), `bytes=${buf.length} plain=${plain.toFixed(0)}ms decode=${ours.toFixed(0)}ms ratio=${(plain / ours * 100).toFixed(0)}%`);
}
const f = (p: string) => readFileSync(p, 'utf8').split('\n').filter(Boolean);
bench('printf 0.17', f('tests/fixtures/bpftrace/0.17.0/printf.jsonl'));
bench('lost_small printf 0.17', f('tests/fixtures/bpftrace/0.17.0/lost_small.jsonl'));
bench('stacks 0.17', f('tests/fixtures/bpftrace/0.17.0/stacks.jsonl'));
bench('stacks 0.23', f('tests/fixtures/bpftrace/0.23.2/stacks.jsonl'));
bench('count 0.23', f('tests/fixtures/bpftrace/0.23.2/count.jsonl'));
bench('keys_special 0.23', f('tests/fixtures/bpftrace/0.23.2/keys_special.jsonl'));
bench('profile 0.23', f('tests/fixtures/profile/0.23.2/profile.jsonl'));
const nonascii = Array.from({length: 2000}, (_, i) => `{"type": "printf", "data": "open comm=cat pid=${i} file=/tmp/h\\uffffffc3\\uffffffa9llo \\uffffffe2\\uffffff9c\\uffffff93 \\uffffffe6\\uffffff97\\uffffffa5 bad\\uffffffffbyte\\n"}`);
bench('non-ascii printf', nonascii);
const nonascii2 = Array.from({length: 2000}, (_, i) => `{"type": "printf", "data": "open comm=cat pid=${i} file=/tmp/h\\uffffffc3\\uffffffa9llo \\uffffffe2\\uffffff9c\\uffffff93 \\uffffffe6\\uffffff97\\uffffffa5 x\\n"}`);
bench('valid non-ascii printf', nonascii2);
const onechar = Array.from({length: 2000}, (_, i) => `{"type": "printf", "data": "open comm=cat pid=${i} file=/tmp/some/longer/path/to/a/file/caf\\uffffffc3\\uffffffa9.txt flags=0x8000 ret=3\\n"}`);
bench('one accent printf', onechar);
