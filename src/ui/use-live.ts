// Hook: the latest value of every tag matching a pattern, kept current over the live WebSocket.
import { useEffect, useRef, useState } from 'preact/hooks';
import type { LiveSample, LiveValue } from './api-types.js';
import { LiveConnection } from './live.js';

/**
 * Returns a map tag → latest value that re-renders the caller at most once per server batch.
 * `onSamples` sees every batch (for trends that append points).
 */
export function useLive(pattern: string | null, onSamples?: (samples: LiveSample[]) => void): Map<string, LiveValue> {
  const [values, setValues] = useState(() => new Map<string, LiveValue>());
  const listener = useRef(onSamples);
  listener.current = onSamples;

  useEffect(() => {
    if (!pattern) return;
    let current = new Map<string, LiveValue>();
    setValues(current);
    const apply = (samples: LiveSample[], fresh: boolean) => {
      const next = fresh ? new Map<string, LiveValue>() : new Map(current);
      for (const s of samples) {
        const prev = next.get(s.tag);
        if (!prev || prev.ts <= s.ts) next.set(s.tag, { ts: s.ts, value: s.value, quality: s.quality });
      }
      current = next;
      setValues(next);
    };
    const connection = new LiveConnection(pattern, {
      onSnapshot: (samples) => apply(samples, true),
      onSamples: (samples) => {
        apply(samples, false);
        listener.current?.(samples);
      },
    });
    return () => connection.close();
  }, [pattern]);

  return values;
}

/** Re-renders the caller every `ms` (for ages and clocks). Returns the current time. */
export function useNow(ms = 1000): number {
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), ms);
    return () => clearInterval(timer);
  }, [ms]);
  return now;
}

/** Fetches on mount and whenever `deps` change; re-fetches every `everyMs` when given. */
export function usePoll<T>(load: (signal: AbortSignal) => Promise<T>, deps: unknown[], everyMs?: number): { data: T | null; error: string | null } {
  const [state, setState] = useState<{ data: T | null; error: string | null }>({ data: null, error: null });
  useEffect(() => {
    let controller = new AbortController();
    let timer: ReturnType<typeof setTimeout> | undefined;
    let stopped = false;
    const run = async () => {
      controller = new AbortController();
      try {
        const data = await load(controller.signal);
        if (!stopped) setState({ data, error: null });
      } catch (error) {
        if (stopped || (error as Error).name === 'AbortError') return;
        setState((prev) => ({ data: prev.data, error: (error as Error).message }));
      }
      if (!stopped && everyMs) timer = setTimeout(run, everyMs);
    };
    setState({ data: null, error: null });
    void run();
    return () => {
      stopped = true;
      clearTimeout(timer);
      controller.abort();
    };
  }, deps);
  return state;
}
