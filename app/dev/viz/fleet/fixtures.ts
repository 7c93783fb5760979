/**
 * The fleet fixtures (tests/fixtures/fleet/<tool>/<host>.json[.gz]: real per-host results of four fleet
 * hosts, see its CAPTURE.md) for the dev gallery's fleet page, as the browser gets results (full stacks
 * stripped).
 */
import fs from 'node:fs';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import type { FleetHostInput } from '@/lib/fleet/views/hosts';
import { resultForView } from '@/lib/tools/profile/full-stacks';
import { FIXTURES } from '../captures';

export const FLEET_GALLERY_TOOLS = [
  'profile',
  'runqlat',
  'biolatency',
  'tcplife',
  'execsnoop',
  'opensnoop',
  'ext4slower',
  'biosnoop',
  'tcpretrans',
  'cachestat',
] as const;

export function loadFleetFixtures(toolId: string): FleetHostInput[] {
  const dir = path.join(FIXTURES(), 'fleet', toolId);
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir)
    .filter((f) => /\.json(\.gz)?$/.test(f))
    .sort()
    .map((f) => {
      const buf = fs.readFileSync(path.join(dir, f));
      const h = JSON.parse((f.endsWith('.gz') ? gunzipSync(buf) : buf).toString('utf8')) as FleetHostInput;
      return { ...h, result: resultForView(h.result) };
    });
}
