/**
 * Progress of long data jobs: a job names its steps, and while DuckDB runs a step's queries their progress (the
 * share of the rows to scan that are done) is polled and reported. Nothing is printed here: the CLI draws the bars,
 * and only on a terminal.
 */
import type { DuckDBConnection } from "./duckdb.ts";

/** Called with a step's label and how far its running query is (0..100), or undefined when not (yet) known. */
export type ProgressListener = (step: string, percent: number | undefined) => void;

/** Names the steps of a job; `stop` ends the polling. */
export interface QueryTracker {
  step(label: string): void;
  stop(): Promise<void>;
}

const SILENT: QueryTracker = { step() {}, async stop() {} };

/**
 * Starts polling `conn`'s query progress for `listener` (every `intervalMs`); without a listener nothing is polled.
 * @example
 * const t = await trackQueries(conn, (step, pct) => console.error(step, pct));
 * t.step("reading orders.csv"); await conn.run("..."); await t.stop();
 */
export async function trackQueries(
  conn: DuckDBConnection,
  listener: ProgressListener | undefined,
  intervalMs = 150,
): Promise<QueryTracker> {
  if (!listener) return SILENT;
  // DuckDB tracks a query's progress only with its progress bar on; its own printing stays off
  await conn.run("SET enable_progress_bar = true; SET enable_progress_bar_print = false");
  let current: string | undefined;
  let last = -1;
  const timer = setInterval(() => {
    if (current === undefined) return;
    const p = conn.progress.percentage;
    if (p >= 0 && Math.floor(p) !== last) {
      last = Math.floor(p);
      listener(current, Math.min(100, p));
    }
  }, intervalMs);
  timer.unref();
  return {
    step(label) {
      current = label;
      last = -1;
      listener(label, undefined);
    },
    async stop() {
      clearInterval(timer);
      current = undefined;
      try {
        await conn.run("RESET enable_progress_bar; RESET enable_progress_bar_print");
      } catch {
        // the connection may be closing after an error; the settings go with it
      }
    },
  };
}
