/**
 * Commands that fit models take --penalizer: data whose BG/NBD optimum is on the boundary (three repeat histories
 * among 1,000 one-time buyers: the likelihood keeps rising towards a limit model) fail with exit 6 and the advice to
 * use it, and fit with it.
 */
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { runCli } from "../../src/cli/run-cli.ts";
import { io } from "../helpers/cli-io.ts";

const dir = mkdtempSync(join(tmpdir(), "loyal-penalizer-"));
after(() => rmSync(dir, { recursive: true, force: true }));

const day = (d: number) => new Date(Date.UTC(2024, 0, 1) + d * 86400000).toISOString().slice(0, 10);
const lines = ["customer_id,date"];
for (let i = 0; i < 1000; i++) lines.push(`c${i},${day(i % 30)}`);
for (const [id, days] of [
  ["r1", [0, 10]],
  ["r2", [0, 5, 20]],
  ["r3", [2, 32]],
] as const)
  for (const d of days) lines.push(`${id},${day(d)}`);
const file = join(dir, "few-repeaters.csv");
writeFileSync(file, `${lines.join("\n")}\n`);
const common = [file, "--end", day(40), "--unit", "day"];

for (const command of ["analyze", "profile"]) {
  test(`${command}: exit 6 with the advice on the boundary, a fit with --penalizer`, async () => {
    const out = command === "analyze" ? ["-o", join(dir, "out")] : [];
    const bare = io();
    assert.equal(await runCli([command, ...common, ...out], bare), 6);
    assert.match(bare.err, /bg-nbd: the data do not identify the model.*try --penalizer/);
    const penalized = io();
    assert.equal(await runCli([command, ...common, ...out, "--penalizer", "0.1", "--json"], penalized), 0);
    assert.ok(JSON.parse(penalized.out));
    // the log has no amounts: no spend model, said as a warning, not a failure
    if (command === "analyze") assert.match(penalized.err, /W_SPEND_MODEL.*fewer than 2 repeat customers/);
    const bad = io();
    assert.equal(await runCli([command, ...common, ...out, "--penalizer", "-1"], bad), 2);
    assert.match(bad.err, /--penalizer must be a number >= 0/);
  });
}
