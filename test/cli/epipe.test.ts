/**
 * bin/loyal.ts when its reader goes away early (`loyal fit … | head -2`): no EPIPE crash, no stack trace.
 * These spawn the real binary: the EPIPE comes from the operating system's pipe, which `runCli` never sees.
 */
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { describe, it } from "node:test";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("../../", import.meta.url));
const fitArgs = ["fit", "datasets/cdnow_customers_summary.csv", "--json"];

interface Outcome {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs `node --import tsx bin/loyal.ts …args`; `close` says when the test side closes the child's stdout or
 * stderr: "stdout-first-chunk" after the first chunk arrives, "stdout-now" / "stderr-now" before anything is read.
 */
function run(args: string[], close: "stdout-first-chunk" | "stdout-now" | "stderr-now"): Promise<Outcome> {
  const child = spawn(process.execPath, ["--import", "tsx", "bin/loyal.ts", ...args], {
    cwd: root,
    stdio: ["ignore", "pipe", "pipe"],
  });
  const out: Outcome = { code: null, signal: null, stdout: "", stderr: "" };
  if (close === "stdout-now") child.stdout.destroy();
  else
    child.stdout.on("data", (chunk: Buffer) => {
      out.stdout += chunk.toString();
      if (close === "stdout-first-chunk") child.stdout.destroy();
    });
  if (close === "stderr-now") child.stderr.destroy();
  else child.stderr.on("data", (chunk: Buffer) => (out.stderr += chunk.toString()));
  return new Promise((resolve, reject) => {
    child.on("error", reject);
    child.on("close", (code, signal) => resolve({ ...out, code, signal }));
  });
}

const noCrash = (o: Outcome) => {
  assert.equal(o.signal, null);
  assert.doesNotMatch(o.stderr, /EPIPE|Unhandled 'error' event|\n\s+at /, `stderr:\n${o.stderr}`);
};

describe("bin/loyal.ts with a reader that closes early (EPIPE)", { timeout: 60_000 }, () => {
  it("fit --json piped into a reader that closes after the first chunk: exit 0, no stack trace on stderr", async () => {
    const o = await run(fitArgs, "stdout-first-chunk");
    noCrash(o);
    assert.equal(o.code, 0);
    assert.ok(o.stdout.startsWith("{"), `stdout: ${o.stdout.slice(0, 80)}`);
  });

  it("fit --json with stdout closed before the first write (the write does fail with EPIPE): exit 0, quiet", async () => {
    const o = await run(fitArgs, "stdout-now");
    noCrash(o);
    assert.equal(o.code, 0);
    assert.equal(o.stderr, "");
  });

  it("an error with stderr closed: no crash, the exit code still says what went wrong (E_IO → 4)", async () => {
    const o = await run(["fit", "datasets/no-such-file.csv"], "stderr-now");
    assert.equal(o.signal, null);
    assert.equal(o.code, 4);
  });
});
