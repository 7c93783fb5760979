/**
 * The live stream of a fleet run (GET /api/fleet-runs/[id]/events; events in lib/fleet/types
 * FleetSseEvents): a snapshot of the whole fleet run, then every LiveEvent of each of its runs tagged
 * with runId and hostId (one subscription per run on the LiveBus, whatever implements it), then the
 * final fleet run once every run has ended. Partial results (up to 2 MB a host a second) can be left
 * out (`partials: false`) by a grid that only shows states.
 */
import 'server-only';
import { sseResponse } from '@/lib/sse';
import { liveBus } from '@/lib/runs/backend';
import { TERMINAL } from '@/lib/runs/types';
import { getFleetRun } from '@/lib/fleet/service';

export async function fleetEventsResponse(req: Request, id: string, opts: { partials: boolean }): Promise<Response> {
  const first = await getFleetRun(id); // 404 before the stream opens
  return sseResponse(req, (stream) => {
    stream.send('snapshot', first);
    const runs = first.hosts.flatMap((h) => h.runs);
    const open = new Set(runs.filter((r) => !TERMINAL.has(r.status)).map((r) => r.id));
    let finishing = false;
    const finish = () => {
      if (finishing || stream.closed) return;
      finishing = true;
      void getFleetRun(id).then(
        (f) => {
          stream.send('fleet', f);
          stream.close();
        },
        () => stream.close(),
      );
    };
    const unsubscribers = [...open].map((runId) => {
      const hostId = runs.find((r) => r.id === runId)!.hostId;
      return liveBus().subscribe(runId, (ev) => {
        if (ev.type === 'run') stream.send('run', { runId, hostId, run: ev.run });
        else if (ev.type === 'progress') stream.send('progress', { runId, hostId, progress: ev.progress });
        else if (ev.type === 'partial') {
          if (opts.partials) stream.send('partial', { runId, hostId, result: ev.result });
        } else if (ev.type === 'done') {
          stream.send('done', opts.partials ? { runId, hostId, run: ev.run, result: ev.result } : { runId, hostId, run: ev.run });
          open.delete(runId);
          if (open.size === 0) finish();
        }
      });
    });
    // Runs may have ended between the snapshot and the subscriptions: check once against the database.
    if (open.size === 0) finish();
    else
      void getFleetRun(id).then((now) => {
        for (const r of now.hosts.flatMap((h) => h.runs)) {
          if (TERMINAL.has(r.status) && open.delete(r.id)) stream.send('done', { runId: r.id, hostId: r.hostId, run: r });
        }
        if (open.size === 0) finish();
      });
    return () => {
      for (const u of unsubscribers) u();
    };
  });
}
