import { useEffect, useState } from 'react';

/** Re-renders every `ms`: for text readouts that may lag the stream by a moment (not charts). */
export function useTick(ms: number): number {
  const [tick, setTick] = useState(0);
  useEffect(() => {
    const timer = setInterval(() => setTick((t) => t + 1), ms);
    return () => clearInterval(timer);
  }, [ms]);
  return tick;
}
