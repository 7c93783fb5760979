'use client';
/** The system's colour scheme (prefers-color-scheme), live: for what CSS cannot colour (canvas, inline gradients). */
import { useSyncExternalStore } from 'react';
import type { ColorScheme } from '@/lib/viz/heatmap';

const QUERY = '(prefers-color-scheme: dark)';

function subscribe(onChange: () => void): () => void {
  const mq = window.matchMedia(QUERY);
  mq.addEventListener('change', onChange);
  return () => mq.removeEventListener('change', onChange);
}

export function useColorScheme(): ColorScheme {
  // the server renders light; the browser corrects it at hydration
  return useSyncExternalStore(
    subscribe,
    () => (window.matchMedia(QUERY).matches ? 'dark' : 'light'),
    () => 'light',
  );
}
