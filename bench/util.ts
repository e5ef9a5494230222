/** Timing helpers for the benchmarks: median of N runs, peak memory. */
export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/** Runs `fn` `runs` times and returns the median wall time in seconds and the last result. */
export async function time<T>(
  runs: number,
  fn: () => T | Promise<T>,
): Promise<{ seconds: number; result: T; all: number[] }> {
  const all: number[] = [];
  let result!: T;
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    result = await fn();
    all.push((performance.now() - t0) / 1000);
  }
  return { seconds: median(all), result, all };
}

export function mb(bytes: number): string {
  return `${(bytes / 1048576).toFixed(0)} MB`;
}
