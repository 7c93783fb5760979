'use client';
import { useEffect, useState } from 'react';
import type { PublicRun } from '@/lib/runs/types';
import { connectRunEvents, type RunView } from '@/components/runs/run-events';

export type { RunView } from '@/components/runs/run-events';

const firstView = (run: PublicRun): RunView => ({ run, progress: null, result: null, connected: false });

/**
 * Subscribes to /api/runs/:id/events (connectRunEvents); closes the EventSource on unmount and when the run
 * is done. The subscription keeps its own latest view: an error handler that read this component's `view`
 * would see the render that subscribed (the run still "running" after it finished) and never close a
 * finished run's stream. `initialRun` comes from the server: a new one (navigation, refresh) resubscribes.
 */
export function useRunEvents(initialRun: PublicRun): RunView {
  const [view, setView] = useState<RunView>(() => firstView(initialRun));
  useEffect(() => connectRunEvents(new EventSource(`/api/runs/${initialRun.id}/events`), firstView(initialRun), setView), [initialRun]);
  return view;
}
