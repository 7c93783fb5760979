import { idParam, route } from '@/lib/http';
import { sseResponse } from '@/lib/sse';
import { runBus } from '@/lib/runs/bus';
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
      stream.send(
        'snapshot',
        runBus.hostStates(id).map(([runId, st]) => ({ runId, run: st.run ?? null, progress: st.progress ?? null, partial: st.partial ?? null })),
      );
      return runBus.subscribeHost(id, (runId, ev) => {
        if (ev.type === 'run') stream.send('run', { runId, run: ev.run });
        else if (ev.type === 'progress') stream.send('progress', { runId, progress: ev.progress });
        else if (ev.type === 'partial') stream.send('partial', { runId, result: ev.result });
        else if (ev.type === 'done') stream.send('done', { runId, run: ev.run, result: ev.result });
      });
    },
    { maxLifetimeMs: 4 * 60 * 60_000 },
  );
});
