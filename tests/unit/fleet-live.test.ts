/**
 * The fleet run page's live state (components/fleet/fleet-events.ts): events of
 * /api/fleet-runs/[id]/events applied to the fleet run, counts kept right, the stream closed when the
 * fleet run ends and not when it is only interrupted.
 */
import { describe, expect, it } from 'vitest';
import type { PublicFleetRun } from '@/lib/fleet/types';
import type { PublicRun } from '@/lib/runs/types';
import { applyFleetEvent, connectFleetEvents, isFleetLive, recount, type FleetEventSource, type FleetView } from '@/components/fleet/fleet-events';

const run = (id: string, hostId: string, status: PublicRun['status'], toolId = 'profile'): PublicRun =>
  ({ id, hostId, hostName: hostId, toolId, status, durationSec: 10, errorMessage: null }) as PublicRun;

function fleet(): PublicFleetRun {
  return recount({
    id: 'f1',
    status: 'running',
    selector: 'role=web',
    toolIds: ['profile'],
    durationSec: 10,
    fanout: 32,
    requestedBy: 'a',
    createdAt: '',
    endedAt: null,
    cancelRequested: false,
    counts: { queued: 0, connecting: 0, running: 0, completed: 0, failed: 0, cancelled: 0, skipped: 0 },
    hosts: [
      { hostId: 'h1', hostName: 'web1', tags: {}, address: '127.0.0.11', cpuCount: 2, runs: [run('r1', 'h1', 'running')], skipped: [] },
      {
        hostId: 'h2',
        hostName: 'web2',
        tags: {},
        address: '127.0.0.12',
        cpuCount: 2,
        runs: [run('r2', 'h2', 'queued')],
        skipped: [{ toolId: 'runqlat', reason: 'no BTF' }],
      },
    ],
  });
}

class FakeSource implements FleetEventSource {
  listeners = new Map<string, (e: Event) => void>();
  closed = false;
  onopen: ((e: Event) => void) | null = null;
  onerror: ((e: Event) => void) | null = null;
  addEventListener(name: string, l: (e: Event) => void) {
    this.listeners.set(name, l);
  }
  close() {
    this.closed = true;
  }
  emit(name: string, data: unknown) {
    this.listeners.get(name)!({ data: JSON.stringify(data) } as unknown as Event);
  }
}

describe('fleet run live state', () => {
  it('run and done events replace the host’s run and recount; progress is kept per run', () => {
    let v: FleetView = { fleet: fleet(), progress: {}, connected: true, ended: false };
    expect(v.fleet.counts).toMatchObject({ running: 1, queued: 1, skipped: 1 });
    v = applyFleetEvent(v, { name: 'run', data: { runId: 'r2', hostId: 'h2', run: run('r2', 'h2', 'connecting') } });
    expect(v.fleet.counts).toMatchObject({ running: 1, queued: 0, connecting: 1 });
    v = applyFleetEvent(v, {
      name: 'progress',
      data: { runId: 'r1', hostId: 'h1', progress: { elapsedSec: 4, remainingSec: 6, records: 9, lostEvents: 0, stdoutBytes: 100, phase: 'tracing' } },
    });
    expect(v.progress.r1.elapsedSec).toBe(4);
    v = applyFleetEvent(v, { name: 'done', data: { runId: 'r1', hostId: 'h1', run: { ...run('r1', 'h1', 'failed'), errorMessage: 'host key changed' } } });
    expect(v.fleet.hosts[0].runs[0]).toMatchObject({ status: 'failed', errorMessage: 'host key changed' });
    expect(v.fleet.counts).toMatchObject({ failed: 1, connecting: 1, running: 0 });
    expect(isFleetLive(v.fleet)).toBe(true);
  });

  it('the stream closes on `fleet` (all ended), stays open on an interruption while hosts still run', () => {
    const es = new FakeSource();
    const views: FleetView[] = [];
    connectFleetEvents(es, { fleet: fleet(), progress: {}, connected: false, ended: false }, (v) => views.push(v));
    es.onopen!({} as Event);
    expect(views.at(-1)!.connected).toBe(true);
    es.onerror!({} as Event);
    expect(es.closed).toBe(false);
    const end = {
      ...fleet(),
      status: 'completed' as const,
      hosts: fleet().hosts.map((h) => ({ ...h, runs: h.runs.map((r) => ({ ...r, status: 'completed' as const })) })),
    };
    es.emit('fleet', end);
    expect(es.closed).toBe(true);
    expect(views.at(-1)).toMatchObject({ ended: true, connected: false });
    expect(views.at(-1)!.fleet.status).toBe('completed');
  });
});
