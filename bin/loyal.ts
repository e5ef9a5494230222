#!/usr/bin/env node
import { runCli } from "../src/cli/run-cli.ts";

// A reader that stops early (`loyal fit … | head -2`) closes the pipe: the next write fails with EPIPE, emitted as an
// 'error' event that would otherwise crash the process with a stack trace. Like other Unix tools, stop quietly:
// exit 0 when stdout is closed (the reader has all it wanted); when stderr is closed, drop the messages and let
// the run finish with its own exit code.
let stderrOpen = true;
process.stdout.on("error", (e: NodeJS.ErrnoException) => {
  if (e.code === "EPIPE") process.exit(0);
  throw e;
});
process.stderr.on("error", (e: NodeJS.ErrnoException) => {
  if (e.code === "EPIPE") {
    stderrOpen = false;
    return;
  }
  throw e;
});

const code = await runCli(process.argv.slice(2), {
  stdout: (s) => process.stdout.write(s),
  stderr: (s) => stderrOpen && process.stderr.write(s),
  isTTY: Boolean(process.stderr.isTTY),
});
process.exitCode = code;
