/**
 * An in-memory CliIo for running `runCli` in tests: collects stdout and stderr, never a terminal.
 */
import type { CliIo } from "../../src/cli/context.ts";

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
