/**
 * An independent folding of a raw profile.bt capture, for tests: the JSON lines read here (not with
 * bpfdeck's decoder or parser), the @stacks_a/@stacks_b maps summed, key pid,kstack,ustack,comm,
 * frames reversed to root first, offsets dropped, "_[k]" on kernel frames, ";" in names as ":".
 */
export /** The independent folding: raw JSON lines -> Map(folded line -> samples), and the last @samples. */
function independentFolding(raw: Buffer, version: '0.17' | '0.23'): { lines: Map<string, number>; samples: number | null } {
  const lines = new Map<string, number>();
  let samples: number | null = null;
  for (const text of raw.toString('utf8').split('\n')) {
    if (!text.trim().startsWith('{')) continue;
    const rec = JSON.parse(text) as { type: string; data?: Record<string, unknown> };
    if (rec.type !== 'map' || !rec.data) continue;
    for (const [name, value] of Object.entries(rec.data)) {
      if (name === '@samples' && typeof value === 'number') samples = value;
      if (name !== '@stacks_a' && name !== '@stacks_b') continue;
      for (const [rawKey, count] of Object.entries(value as Record<string, number>)) {
        // 0.23 prints keys escaped once more ("\\n" for a newline, FORMAT.md)
        const key = version === '0.23' ? rawKey.replace(/\\(.)/g, (_, c: string) => (c === 'n' ? '\n' : c === 't' ? '\t' : c)) : rawKey;
        const m = /^(\d+),((?:\n[ \t][^\n]*)*\n?),((?:\n[ \t][^\n]*)*\n?),(.*)$/s.exec(key);
        if (!m) throw new Error(`key does not split: ${JSON.stringify(key).slice(0, 200)}`);
        const [, , kstack, ustack, comm] = m;
        const frames = (s: string) =>
          s
            .split('\n')
            .map((l) => l.trim())
            .filter((l) => l !== '')
            .map((l) => l.replace(/\+\d+$/, '').replace(/;/g, ':'))
            .reverse();
        const line = [comm.replace(/;/g, ':'), ...frames(ustack), ...frames(kstack).map((f) => `${f}_[k]`)].join(';');
        lines.set(line, (lines.get(line) ?? 0) + count);
      }
    }
  }
  return { lines, samples };
}
