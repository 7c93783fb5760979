import { describe, expect, it } from 'vitest';
import { csvField, toCsv } from '@/lib/viz/csv';

/** A minimal RFC 4180 reader, to check that what toCsv writes reads back as the same values. */
function readCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(field);
      field = '';
    } else if (c === '\r' && text[i + 1] === '\n') {
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
      i++;
    } else field += c;
  }
  if (field !== '' || row.length) rows.push([...row, field]);
  return rows;
}

describe('toCsv', () => {
  const columns = [
    { key: 'time', label: 'TIME(s)' },
    { key: 'comm', label: 'COMM' },
    { key: 'path', label: 'PATH' },
    { key: 'err', label: 'ERR' },
  ];

  it('writes a header, CRLF line ends and raw values', () => {
    const csv = toCsv(columns, [{ time: 1.25, comm: 'cat', path: '/etc/passwd', err: 0 }]);
    expect(csv).toBe('TIME(s),COMM,PATH,ERR\r\n1.25,cat,/etc/passwd,0\r\n');
  });

  it('quotes commas, quotes, CR and LF and doubles quotes', () => {
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField('line\nbreak')).toBe('"line\nbreak"');
    expect(csvField('cr\rhere')).toBe('"cr\rhere"');
    expect(csvField(' padded')).toBe('" padded"');
    expect(csvField('plain')).toBe('plain');
  });

  it('writes null as an empty field and never quotes numbers', () => {
    expect(csvField(null)).toBe('');
    expect(csvField(-2)).toBe('-2');
    expect(csvField(Number.NaN)).toBe('');
  });

  it('guards cells a spreadsheet would run as formulas, not numbers', () => {
    expect(csvField('=HYPERLINK("http://x")')).toBe('"\'=HYPERLINK(""http://x"")"');
    expect(csvField('+1')).toBe("'+1");
    expect(csvField('@SUM(A1)')).toBe("'@SUM(A1)");
    expect(csvField('-rf')).toBe("'-rf");
    expect(csvField('=x', false)).toBe('=x');
    expect(csvField(-5)).toBe('-5');
  });

  it('round-trips hostile values through a CSV reader', () => {
    const rows = [
      { time: 0.001, comm: 'bpf,deck,comma', path: 'dq"quote\nnew line', err: 2 },
      { time: 2, comm: 'tab\there', path: 'héllo ✓ 日本 \\xff', err: null },
    ];
    const back = readCsv(toCsv(columns, rows));
    expect(back).toEqual([
      ['TIME(s)', 'COMM', 'PATH', 'ERR'],
      ['0.001', 'bpf,deck,comma', 'dq"quote\nnew line', '2'],
      ['2', 'tab\there', 'héllo ✓ 日本 \\xff', ''],
    ]);
  });

  it('writes only the header for no rows', () => {
    expect(toCsv(columns, [])).toBe('TIME(s),COMM,PATH,ERR\r\n');
  });
});
