/**
 * Merging per-host exports into one file with a host column. Pure (text in, text out): the fleet export
 * (lib/fleet/export.ts) feeds it each host's own export of one run.
 * Host names are letters, digits and `._-` only (lib/hosts/schemas): safe unquoted in CSV and as a frame.
 */

/** Split CSV text into records (RFC 4180: a newline inside a quoted field belongs to the field). */
export function csvRecords(text: string): string[] {
  const out: string[] = [];
  let start = 0;
  let quotes = 0;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (ch === '"') quotes++;
    else if (ch === '\n' && quotes % 2 === 0) {
      out.push(text.slice(start, i).replace(/\r$/, ''));
      start = i + 1;
    }
  }
  if (start < text.length) out.push(text.slice(start));
  return out;
}

/**
 * One CSV: a leading `host` column, the header once (the first host's; a host whose header differs
 * gets its own header line, prefixed `host`, where its rows begin), each host's cap note
 * (`# bpfdeck: first N of M rows ...`) kept at the top and naming the host.
 */
export function mergeHostCsv(parts: ReadonlyArray<{ host: string; csv: string }>): string {
  const notes: string[] = [];
  const rows: string[] = [];
  let header: string | null = null;
  for (const p of parts) {
    let own: string | null = null;
    for (const rec of csvRecords(p.csv)) {
      if (rec === '') continue;
      if (own === null && rec.startsWith('#')) notes.push(`# ${p.host}: ${rec.replace(/^#\s*/, '')}`);
      else if (own === null) {
        own = rec;
        if (header === null) header = rec;
        else if (rec !== header) rows.push(`host,${rec}`);
      } else rows.push(`${p.host},${rec}`);
    }
  }
  return `${[...notes, header === null ? 'host' : `host,${header}`, ...rows].join('\n')}\n`;
}

/** Folded stacks with each host as the root frame: `host;comm;outer;...;leaf count`. */
export function mergeHostFolded(parts: ReadonlyArray<{ host: string; folded: string }>): string {
  const lines: string[] = [];
  for (const p of parts) for (const l of p.folded.split('\n')) if (l) lines.push(`${p.host};${l}`);
  return lines.length ? `${lines.join('\n')}\n` : '';
}
