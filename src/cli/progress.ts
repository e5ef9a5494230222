/**
 * Progress on stderr, only when stderr is a terminal (never in pipes, files or tests).
 */
import cliProgress from "cli-progress";
import type { CliIo } from "./context.ts";

export interface Progress {
  /** Announces a step ("summarising 69,659 rows"). */
  step(label: string): void;
  /** A bar for a counted task; returns an update function and a stop function. */
  bar(label: string, total: number): { update(done: number): void; stop(): void };
  done(): void;
}

/**
 * A progress reporter for `io`: silent unless `io.isTTY`.
 * @example createProgress({ stdout() {}, stderr() {}, isTTY: false }).step("x") // prints nothing
 */
export function createProgress(io: CliIo): Progress {
  const t0 = Date.now();
  let last: string | undefined;
  const finishLast = () => {
    if (last !== undefined) io.stderr(` done (${((Date.now() - t0) / 1000).toFixed(1)} s)\n`);
    last = undefined;
  };
  if (!io.isTTY) {
    return { step() {}, bar: () => ({ update() {}, stop() {} }), done() {} };
  }
  return {
    step(label) {
      finishLast();
      last = label;
      io.stderr(`• ${label}…`);
    },
    bar(label, total) {
      finishLast();
      const b = new cliProgress.SingleBar(
        { format: `  ${label} [{bar}] {percentage}% | {value}/{total}`, stream: process.stderr, clearOnComplete: true },
        cliProgress.Presets.shades_classic,
      );
      b.start(total, 0);
      return { update: (d) => b.update(d), stop: () => b.stop() };
    },
    done() {
      finishLast();
    },
  };
}
