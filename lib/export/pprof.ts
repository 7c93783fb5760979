/**
 * pprof export of a profile result: a gzip-compressed profile.proto (github.com/google/pprof,
 * proto/profile.proto), as `go tool pprof`, Pyroscope and Parca read it. Encoded with pprof-format
 * (DataDog's maintained pure-JS encoder/decoder). Made from the same stacks as the folded export
 * (lib/export/folded.ts: the full, unpruned stacks), so its totals are the same:
 *   sample_type  [samples/count, cpu/nanoseconds]  (value[1] = samples x period)
 *   period_type  cpu/nanoseconds, period = 1e9 / sampleHz
 *   sample       one per distinct stack, locations leaf first; the comm is the root frame (as in
 *                the folded file, so both show the same tree) and a "comm" label
 *   location     one per distinct (kind, frame), one line, its function; kernel frames named with
 *                the "_[k]" suffix unless turned off, and filed under "[kernel.kallsyms]"
 * No timestamps: the same result always gives the same bytes (the CLI and the download agree).
 */
import { gzipSync } from 'node:zlib';
import { Function as PFunction, Label, Line, Location, Profile, Sample, StringTable, ValueType } from 'pprof-format';
import { foldedFrameName, KERNEL_SUFFIX, profileStacks, type FoldedExportOptions } from '@/lib/export/folded';
import type { ProfileResult } from '@/lib/tools/types';

export function pprofProfile(result: ProfileResult, opts: FoldedExportOptions = {}): Profile {
  const suffix = opts.kernelSuffix ?? KERNEL_SUFFIX;
  const st = new StringTable();
  const periodNs = Math.round(1e9 / (result.sampleHz > 0 ? result.sampleHz : 99));
  const locations: Location[] = [];
  const functions: PFunction[] = [];
  const locIds = new Map<string, number>();
  const kernelFile = st.dedup('[kernel.kallsyms]');
  const commKey = st.dedup('comm');
  const locationId = (name: string, kind: 'process' | 'user' | 'kernel'): number => {
    const key = `${kind[0]}:${name}`;
    let id = locIds.get(key);
    if (id === undefined) {
      id = locations.length + 1; // ids start at 1 (0 = none)
      const shown = foldedFrameName(name) + (kind === 'kernel' ? suffix : '');
      functions.push(new PFunction({ id, name: st.dedup(shown), systemName: st.dedup(name), filename: kind === 'kernel' ? kernelFile : 0 }));
      locations.push(new Location({ id, line: [new Line({ functionId: id })] }));
      locIds.set(key, id);
    }
    return id;
  };
  const samples: Sample[] = [];
  for (const s of profileStacks(result).stacks) {
    const ids = s.frames.map((f) => locationId(f.name, f.kind)).reverse();
    const comm = s.frames[0]?.kind === 'process' ? s.frames[0].name : null;
    samples.push(
      new Sample({
        locationId: ids,
        value: [s.samples, s.samples * periodNs],
        label: comm === null ? [] : [new Label({ key: commKey, str: st.dedup(comm) })],
      }),
    );
  }
  return new Profile({
    sampleType: [
      new ValueType({ type: st.dedup('samples'), unit: st.dedup('count') }),
      new ValueType({ type: st.dedup('cpu'), unit: st.dedup('nanoseconds') }),
    ],
    periodType: new ValueType({ type: st.dedup('cpu'), unit: st.dedup('nanoseconds') }),
    period: periodNs,
    sample: samples,
    location: locations,
    function: functions,
    stringTable: st,
  });
}

/** The gzip-compressed profile.proto bytes. */
export function pprofBytes(result: ProfileResult, opts: FoldedExportOptions = {}): Uint8Array<ArrayBuffer> {
  return gzipSync(pprofProfile(result, opts).encode());
}
