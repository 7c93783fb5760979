import { idParam, route } from '@/lib/http';
import { sseResponse } from '@/lib/sse';
import { liveBus } from '@/lib/runs/backend';
import type { LiveEvent } from '@/lib/runs/types';
import { getHost } from '@/lib/hosts/service';

export const dynamic = 'force-dynamic';

/**
 * Live events of every run on one host, on one stream (a dashboard has ten tools; browsers allow only
 * six HTTP/1.1 connections per origin, so one EventSource per run would stall). Each event carries its
 * runId. First a snapshot of the runs this process knows live, then `run`, `progress`, `partial`, `done`.
 */
export const GET = route<{ id: string }>({ role: 'viewer' }, async (req, { params }) => {
  const { id } = idParam.parse(params);
  await getHost(id); // 404 before the stream opens
  return sseResponse(
    req,
    (stream) => {
      const forward = (runId: string, ev: LiveEvent) => {
        if (ev.type === 'run') stream.send('run', { runId, run: ev.run });
        else if (ev.type === 'progress') stream.send('progress', { runId, progress: ev.progress });
        else if (ev.type === 'partial') stream.send('partial', { runId, result: ev.result });
        else if (ev.type === 'done') stream.send('done', { runId, run: ev.run, result: ev.result });
      };
      // as on a run's stream: subscribe first, hold events until the snapshot is out
      let held: Array<[string, LiveEvent]> | null = [];
      const unsubscribe = liveBus().subscribeHost(id, (runId, ev) => (held ? held.push([runId, ev]) : forward(runId, ev)));
      void Promise.resolve(liveBus().hostStates(id)).then((states) => {
        stream.send(
          'snapshot',
          states.map(([runId, st]) => ({ runId, run: st.run ?? null, progress: st.progress ?? null, partial: st.partial ?? null })),
        );
        const waiting = held ?? [];
        held = null;
        waiting.forEach(([runId, ev]) => forward(runId, ev));
      });
      return unsubscribe;
    },
    { maxLifetimeMs: 4 * 60 * 60_000 },
  );
});
