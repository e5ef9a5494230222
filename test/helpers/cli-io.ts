/**
 * An in-memory CliIo for running `runCli` in tests: collects stdout and stderr, never a terminal.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { CliIo } from "../../src/cli/context.ts";
import { runCli } from "../../src/cli/run-cli.ts";

export function io(): CliIo & { out: string; err: string } {
  const o = {
    out: "",
    err: "",
    isTTY: false,
    stdout: (s: string) => (o.out += s),
    stderr: (s: string) => (o.err += s),
  };
  return o;
}

/**
 * Runs a command writing CSV twice (`-o dir/a.csv`, `-o dir/b.csv`), asserts both runs succeed with identical output,
 * and returns the first run's stdout with the CSV's header and rows (e.g. `predict --intervals --seed 3`).
 */
export async function runTwiceIdentical(
  args: string[],
  dir: string,
): Promise<{ stdout: string; head: string; rows: string[] }> {
  const o = io();
  assert.equal(await runCli([...args, "-o", join(dir, "a.csv")], o), 0, o.err);
  const again = io();
  assert.equal(await runCli([...args, "-o", join(dir, "b.csv")], again), 0, again.err);
  const a = readFileSync(join(dir, "a.csv"), "utf8");
  assert.equal(a, readFileSync(join(dir, "b.csv"), "utf8"), "the same arguments gave different files");
  const [head, ...rows] = a.trim().split("\n");
  return { stdout: o.out, head, rows };
}

/** Runs `loyal args`, asserts the exit code and that stderr matches every pattern given. */
export async function runFails(args: string[], exit: number, ...stderr: RegExp[]): Promise<void> {
  const o = io();
  assert.equal(await runCli(args, o), exit, o.out + o.err);
  for (const re of stderr) assert.match(o.err, re);
}
