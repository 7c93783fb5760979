import { idParam, route } from '@/lib/http';
import { sseResponse } from '@/lib/sse';
import { liveBus } from '@/lib/runs/backend';
import { getRun, getRunResult } from '@/lib/runs/service';
import { TERMINAL, type LiveEvent } from '@/lib/runs/types';

export const dynamic = 'force-dynamic';

/**
 * Live run events. The first event is a snapshot (run, progress, partial result), so a page opened
 * mid-run starts from the current state; then `run`, `progress`, `partial` as they happen, and `done`
 * (with the final result), after which the stream closes.
 */
export const GET = route<{ id: string }>({ role: 'viewer' }, async (req, { params }) => {
  const { id } = idParam.parse(params);
  const run = await getRun(id); // 404 before the stream opens
  return sseResponse(req, (stream) => {
    if (TERMINAL.has(run.status)) {
      void getRunResult(id).then((result) => {
        stream.send('done', { run, result });
        stream.close();
      });
      return;
    }
    const forward = (ev: LiveEvent) => {
      if (ev.type === 'run') stream.send('run', ev.run);
      else if (ev.type === 'progress') stream.send('progress', ev.progress);
      else if (ev.type === 'partial') stream.send('partial', ev.result);
      else if (ev.type === 'done') {
        stream.send('done', { run: ev.run, result: ev.result });
        stream.close();
      }
    };
    // Subscribed before the state is read (the state may come from another process: lib/runs/pg-bus),
    // and what arrives meanwhile waits until the snapshot is out: nothing is lost between the two.
    let held: LiveEvent[] | null = [];
    const unsubscribe = liveBus().subscribe(id, (ev) => (held ? held.push(ev) : forward(ev)));
    void Promise.resolve(liveBus().state(id)).then((live) => {
      stream.send('snapshot', { run: live?.run ?? run, progress: live?.progress ?? null, partial: live?.partial ?? null });
      const waiting = held ?? [];
      held = null;
      waiting.forEach(forward);
    });
    // The run may have ended between getRun() and subscribe(): re-check once.
    void getRun(id).then(async (now) => {
      if (TERMINAL.has(now.status) && !stream.closed) {
        stream.send('done', { run: now, result: await getRunResult(id) });
        stream.close();
      }
    });
    return unsubscribe;
  });
});
