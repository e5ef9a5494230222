/**
 * Progress on stderr, only when stderr is a terminal (never in pipes, files or tests): a bar per long step (a
 * DuckDB step's query progress, or rows scored), and a line per finished step with its time.
 */
import cliProgress from "cli-progress";
import type { ProgressListener } from "../data/progress.ts";
import type { CliIo } from "./context.ts";

export interface Progress {
  /** Announces a step without a measure of its own ("fitting bg-nbd"). */
  step(label: string): void;
  /** A bar for a counted task (a running count when `total` is 0); returns update and stop functions. */
  bar(label: string, total: number): { update(done: number): void; stop(): void };
  /** A listener for the data layer's steps (see data/progress.ts): a bar per step, filled as its query runs. */
  listener(): ProgressListener | undefined;
  done(): void;
}

/** A write stream over `io.stderr` for cli-progress (which draws with cursor movements on a terminal). */
function stderrStream(io: CliIo): NodeJS.WritableStream {
  return {
    isTTY: true,
    columns: process.stderr.columns ?? 100,
    write: (s: string) => {
      io.stderr(String(s));
      return true;
    },
    cursorTo: (x: number, y?: number | (() => void)) => {
      io.stderr(typeof y === "number" ? `\x1b[${y + 1};${x + 1}H` : `\x1b[${x + 1}G`);
      return true;
    },
    clearLine: () => {
      io.stderr("\x1b[2K");
      return true;
    },
    moveCursor: () => true,
    on: () => undefined,
    removeListener: () => undefined,
  } as unknown as NodeJS.WritableStream;
}

/**
 * A progress reporter for `io`: silent unless `io.isTTY`.
 * @example createProgress({ stdout() {}, stderr() {}, isTTY: false }).step("x") // prints nothing
 */
export function createProgress(io: CliIo): Progress {
  if (!io.isTTY) {
    return { step() {}, bar: () => ({ update() {}, stop() {} }), listener: () => undefined, done() {} };
  }
  const stream = stderrStream(io);
  let label: string | undefined;
  let started = 0;
  let active: cliProgress.SingleBar | undefined;
  const finish = () => {
    active?.stop();
    active = undefined;
    if (label !== undefined) io.stderr(`✓ ${label} (${((Date.now() - started) / 1000).toFixed(1)} s)\n`);
    label = undefined;
  };
  const open = (text: string, total: number, format: string) => {
    finish();
    label = text;
    started = Date.now();
    active = new cliProgress.SingleBar(
      { format, stream, clearOnComplete: true, hideCursor: false, fps: 10, barsize: 30 },
      cliProgress.Presets.shades_classic,
    );
    active.start(total, 0, { step: text });
    return active;
  };
  return {
    step(text) {
      open(text, 1, "• {step}…");
    },
    bar(text, total) {
      const b =
        total > 0
          ? open(text, total, "  {step} [{bar}] {percentage}% | {value}/{total}")
          : open(text, 1, "  {step}: {value}");
      return { update: (d) => b.update(d), stop: () => finish() };
    },
    listener() {
      return (step, percent) => {
        if (step !== label) open(step, 100, "  {step} [{bar}] {percentage}%");
        if (percent !== undefined) active?.update(Math.round(percent));
      };
    },
    done() {
      finish();
    },
  };
}
