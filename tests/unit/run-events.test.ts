import { describe, expect, it } from 'vitest';
import { connectRunEvents, type RunEventSource, type RunView } from '@/components/runs/run-events';
import type { PublicRun } from '@/lib/runs/types';

/**
 * A stand-in for the browser's EventSource (Node 20 has none): real EventTarget dispatch of the server's
 * event names, plus the onopen/onerror handlers and close() the subscription uses.
 */
class FakeEventSource extends EventTarget implements RunEventSource {
  onopen: ((e: Event) => void) | null = null;
  onerror: ((e: Event) => void) | null = null;
  closed = false;
  close() {
    this.closed = true;
  }
  send(name: string, data: unknown) {
    this.dispatchEvent(new MessageEvent(name, { data: JSON.stringify(data) }));
  }
  error() {
    this.onerror?.(new Event('error'));
  }
}

const run = (status: PublicRun['status']) => ({ id: 'r1', status }) as PublicRun;
const start = (status: PublicRun['status']) => {
  const es = new FakeEventSource();
  const views: RunView[] = [];
  connectRunEvents(es, { run: run(status), progress: null, result: null, connected: false }, (v) => views.push(v));
  return { es, views };
};

describe('connectRunEvents', () => {
  it('closes the stream on an error once a run event said the run finished (the status is the latest, not the first)', () => {
    const { es, views } = start('running');
    es.onopen?.(new Event('open'));
    es.send('run', run('completed'));
    expect(es.closed).toBe(false);
    es.error();
    expect(es.closed).toBe(true);
    expect(views.at(-1)).toMatchObject({ run: { status: 'completed' }, connected: false });
  });

  it('leaves a running run to the browser to reconnect after an error', () => {
    const { es, views } = start('running');
    es.send('progress', { elapsedSec: 3 });
    es.error();
    expect(es.closed).toBe(false);
    expect(views.at(-1)).toMatchObject({ run: { status: 'running' }, progress: { elapsedSec: 3 }, connected: false });
  });

  it('keeps the last partial result when done carries none, and closes', () => {
    const { es, views } = start('running');
    es.send('partial', { rows: [1] });
    es.send('done', { run: run('completed'), result: null });
    expect(es.closed).toBe(true);
    expect(views.at(-1)).toMatchObject({ run: { status: 'completed' }, result: { rows: [1] } });
  });
});
