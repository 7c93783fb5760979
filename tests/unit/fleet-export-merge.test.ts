import { describe, expect, it } from 'vitest';
import { csvRecords, mergeHostCsv, mergeHostFolded } from '@/lib/fleet/export-merge';

describe('fleet exports with a host column', () => {
  it('csv: records split as RFC 4180 says (a quoted newline stays in its field)', () => {
    expect(csvRecords('a,b\n1,"x\ny"\n2,"he said ""hi"""\r\n')).toEqual(['a,b', '1,"x\ny"', '2,"he said ""hi"""']);
  });

  it('csv: one header with a host column, every row prefixed, cap notes kept on top naming their host', () => {
    const a = 'comm,pid\nsh,1\n"multi\nline",2\n';
    const b = '# bpfdeck: first 1 of 5 rows (row cap 1; 4 dropped)\ncomm,pid\nbash,3\n';
    expect(
      mergeHostCsv([
        { host: 'web-1', csv: a },
        { host: 'web-2', csv: b },
      ]),
    ).toBe('# web-2: bpfdeck: first 1 of 5 rows (row cap 1; 4 dropped)\nhost,comm,pid\nweb-1,sh,1\nweb-1,"multi\nline",2\nweb-2,bash,3\n');
  });

  it('csv: a host whose columns differ gets its own header line; no hosts: just the host column', () => {
    expect(
      mergeHostCsv([
        { host: 'a', csv: 'x,y\n1,2\n' },
        { host: 'b', csv: 'x,y,z\n1,2,3\n' },
      ]),
    ).toBe('host,x,y\na,1,2\nhost,x,y,z\nb,1,2,3\n');
    expect(mergeHostCsv([])).toBe('host\n');
  });

  it('folded: the host is the root frame', () => {
    expect(
      mergeHostFolded([
        { host: 'db-1', folded: 'busy;main;loop 90\nsh;read_[k] 3\n' },
        { host: 'db-2', folded: 'busy;main;loop 10\n' },
      ]),
    ).toBe('db-1;busy;main;loop 90\ndb-1;sh;read_[k] 3\ndb-2;busy;main;loop 10\n');
  });
});
