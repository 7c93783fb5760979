import { decodeAll } from '@/lib/bpftrace/decoder';
const lines = Array.from({length: 2000}, (_, i) => `{"type": "printf", "data": "open comm=cat pid=${i} file=/tmp/h\\uffffffc3\\uffffffa9llo \\uffffffe2\\uffffff9c\\uffffff93 \\uffffffe6\\uffffff97\\uffffffa5 bad\\uffffffffbyte\\n"}`);
const buf = Buffer.from(lines.join('\n') + '\n');
for (let i = 0; i < 150; i++) decodeAll(buf);
