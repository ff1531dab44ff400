import { useEffect, useState } from "react";

/** Milliseconds since `startedAt` (a performance.now() value), refreshed every 100 ms while running. */
export function useElapsedMs(startedAt: number | null, running: boolean): number {
  const [now, setNow] = useState(() => performance.now());
  useEffect(() => {
    if (!running) {
      return undefined;
    }
    setNow(performance.now());
    const timer = window.setInterval(() => setNow(performance.now()), 100);
    return () => window.clearInterval(timer);
  }, [running, startedAt]);
  if (startedAt === null) {
    return 0;
  }
  return Math.max(0, now - startedAt);
}
