'use client';
/** The compare page's differential flame graph with its search and zoom in the URL (`diff.q`, `diff.zoom`). */
import { useFlameUrlState } from '@/lib/viz/flame-url.client';
import { DiffFlameGraph, type DiffFlameGraphProps } from '@/components/reports/DiffFlameGraph';

export function DiffFlameGraphWithUrl(props: Omit<DiffFlameGraphProps, 'state' | 'onStateChange'>) {
  const { state, onStateChange } = useFlameUrlState('diff');
  return <DiffFlameGraph {...props} state={state} onStateChange={onStateChange} />;
}
