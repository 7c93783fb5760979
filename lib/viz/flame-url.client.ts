'use client';
/**
 * The URL half of a profile view's state (lib/viz/flame-url.ts): the state a page opens with comes
 * from its query parameters, and every change is written back with history.replaceState (no new
 * history entry per keystroke, no navigation, no refetch), so the address bar is always a link to
 * what is on screen.
 */
import { useSearchParams } from 'next/navigation';
import { useCallback, useState } from 'react';
import { type FlameViewState, decodeFlameState, mergeFlameState } from '@/lib/viz/flame-url';

export interface FlameStateBinding {
  state: FlameViewState;
  onStateChange: (state: FlameViewState) => void;
}

export function useFlameUrlState(prefix: string): FlameStateBinding {
  const params = useSearchParams();
  // read once: afterwards the view owns its state and the URL follows it
  const [state] = useState(() => decodeFlameState(new URLSearchParams(params.toString()), prefix));
  const onStateChange = useCallback(
    (next: FlameViewState) => {
      const q = mergeFlameState(new URLSearchParams(window.location.search), next, prefix);
      window.history.replaceState(window.history.state, '', `${window.location.pathname}${q ? `?${q}` : ''}${window.location.hash}`);
    },
    [prefix],
  );
  return { state, onStateChange };
}
