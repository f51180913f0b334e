/**
 * CPU time this process spends from now on (every thread), for tests that guard against work growing out of bounds
 * (a walk over 4 MB byte by byte, a context expanded 20,000 times). Unlike wall-clock time it does not grow while the
 * machine is busy with other processes, so a bound on it fails only when the work itself grows.
 */
export function cpuTimer(): { elapsedMs(): number } {
  const started = process.cpuUsage();
  return {
    elapsedMs() {
      const used = process.cpuUsage(started);
      return (used.user + used.system) / 1000;
    },
  };
}
