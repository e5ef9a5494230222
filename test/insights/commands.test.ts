import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { jsonReplacer } from "../../src/cli/context.ts";
import { cohortReport } from "../../src/insights/cohorts.ts";
import { type InsightInput, loadInsightInput } from "../../src/insights/load-input.ts";
import { customerProfiles } from "../../src/insights/profile.ts";
import { loyaltySegments } from "../../src/insights/segments.ts";
import { retentionTargetList } from "../../src/insights/targets.ts";
import { validateHoldout } from "../../src/insights/validate.ts";
import { retentionWhatIf } from "../../src/insights/whatif.ts";
import { CDNOW_ARGS, runInsightCli } from "../fixtures/insights/run-commands.ts";

/** The object as `--json` prints it (typed arrays as arrays, non-finite numbers as null). */
const asJson = (v: unknown) => JSON.parse(JSON.stringify(v, jsonReplacer));

async function cli(args: string[]) {
  const r = await runInsightCli(args);
  assert.equal(r.code, 0, r.stderr);
  return JSON.parse(r.stdout);
}

describe("insight commands on CDNOW_sample.txt: --json prints the library's object", () => {
  const end = ["--end", "1997-09-30"];
  let input: InsightInput;
  let dir: string;
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), "loyal-insights-"));
    input = await loadInsightInput("datasets/CDNOW_sample.txt", {
      columns: ["master_id", "customer_id", "date", "cds", "amount"],
      amount: "amount",
      end: "1997-09-30",
      unit: "week",
      model: "bg-nbd",
    });
  });
  after(() => rmSync(dir, { recursive: true, force: true }));
  const base = () => ({
    purchases: input.purchases,
    summary: input.summary,
    model: input.purchaseModel!,
    spendModel: input.spendModel,
  });

  test("profile", async () => {
    const out = await cli(["profile", ...CDNOW_ARGS, ...end, "--json", "-o", join(dir, "p.csv")]);
    assert.deepEqual(out, asJson(customerProfiles(base(), { endDay: input.endDay })));
    assert.equal(out.customers.length, 2357);
    const csv = readFileSync(join(dir, "p.csv"), "utf8").trim().split("\n");
    assert.equal(csv.length, 2358);
    assert.match(csv[0], /^customerId,firstOrderDate,/);
  });

  test("segments", async () => {
    const out = await cli(["segments", ...CDNOW_ARGS, ...end, "--json"]);
    assert.deepEqual(out, asJson(loyaltySegments(base(), { endDay: input.endDay })));
    assert.equal(out.rfm.gridSegments.length, 10);
    assert.equal(
      out.model.segments.reduce((s: number, x: { customers: number }) => s + x.customers, 0),
      2357,
    );
  });

  test("targets --top 25 --min-value 5 with CSV", async () => {
    const out = await cli([
      "targets",
      ...CDNOW_ARGS,
      ...end,
      "--top",
      "25",
      "--min-value",
      "5",
      "--json",
      "-o",
      join(dir, "t.csv"),
    ]);
    assert.deepEqual(out, asJson(retentionTargetList(base(), { endDay: input.endDay, top: 25, minValue: 5 })));
    assert.equal(out.targets.length, 25);
    const csv = readFileSync(join(dir, "t.csv"), "utf8").trim().split("\n");
    assert.equal(csv.length, 26);
    assert.match(csv[0], /^rank,customerId,valueAtRisk,/);
  });

  test("cohorts", async () => {
    const out = await cli(["cohorts", ...CDNOW_ARGS, "--end", "1998-06-30", "--json"]);
    const all = await loadInsightInput("datasets/CDNOW_sample.txt", {
      columns: ["master_id", "customer_id", "date", "cds", "amount"],
      amount: "amount",
      end: "1998-06-30",
      unit: "week",
    });
    assert.deepEqual(out, asJson(cohortReport(all.purchases, { endDay: all.endDay })));
    assert.equal(out.overall.customers, 2357);
  });

  test("whatif", async () => {
    const out = await cli([
      "whatif",
      ...CDNOW_ARGS,
      ...end,
      "--reduction",
      "0.1,0.2",
      "--margin",
      "100",
      "--retention",
      "0.8",
      "--json",
    ]);
    const lib = retentionWhatIf(input.purchaseModel!, input.summary, {
      reductions: [0.1, 0.2],
      spendModel: input.spendModel,
      margin: 100,
      retention: 0.8,
      discountRate: 0.1,
      months: 12,
      discount: 0.01,
    });
    assert.deepEqual(out, asJson(lib));
    assert.ok(out.scenarios[1].clv > out.scenarios[0].clv);
  });

  test("validate: actualTotal and expectedTotal at the top level; tracking CSV", async () => {
    const out = await cli([
      "validate",
      ...CDNOW_ARGS,
      ...end,
      "--holdout-end",
      "1998-06-30",
      "--json",
      "-o",
      join(dir, "v.csv"),
    ]);
    assert.equal(out.actualTotal, 1882);
    assert.ok(Math.abs(out.expectedTotal - 1653.4) < 0.5, String(out.expectedTotal));
    const h = await loadInsightInput("datasets/CDNOW_sample.txt", {
      columns: ["master_id", "customer_id", "date", "cds", "amount"],
      amount: "amount",
      end: "1997-09-30",
      holdoutEnd: "1998-06-30",
      unit: "week",
    });
    assert.deepEqual(out, asJson(validateHoldout({ summary: h.summary, purchases: h.purchases })));
    assert.equal(readFileSync(join(dir, "v.csv"), "utf8").trim().split("\n").length, 79);
  });

  test("usage errors exit 2 with a message", async () => {
    const r = await runInsightCli(["validate", ...CDNOW_ARGS, ...end]);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /holdout-end/);
    const r2 = await runInsightCli(["targets", ...CDNOW_ARGS, ...end, "--top", "x"]);
    assert.equal(r2.code, 2);
  });
});
