/**
 * The fleet fixtures (tests/fixtures/fleet/<tool>/<host>.json[.gz]): real per-host results of one tool
 * on four fleet hosts, as FleetHostResult objects (see tests/fixtures/fleet/CAPTURE.md).
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import type { FleetHostInput } from '@/lib/fleet/views/hosts';

export const FLEET_FIXTURES = path.resolve(__dirname, '../fixtures/fleet');
export const FIXTURE_HOSTS = ['fleet11', 'fleet12', 'fleet21', 'fleet31'] as const;

export function fleetFixture<R = unknown>(toolId: string, host: string): FleetHostInput<R> {
  const base = path.join(FLEET_FIXTURES, toolId, `${host}.json`);
  const text = existsSync(base) ? readFileSync(base, 'utf8') : gunzipSync(readFileSync(`${base}.gz`)).toString('utf8');
  return JSON.parse(text) as FleetHostInput<R>;
}

export function fleetFixtures<R = unknown>(toolId: string, hosts: readonly string[] = FIXTURE_HOSTS): Array<FleetHostInput<R>> {
  return hosts.map((h) => fleetFixture<R>(toolId, h));
}

export function captureFacts(): {
  cpuCount: number;
  steps: Array<Record<string, unknown> & { tool: string }>;
} {
  return JSON.parse(readFileSync(path.join(FLEET_FIXTURES, 'capture-facts.json'), 'utf8'));
}
