/**
 * `loyal compare <summary.csv>`: fit every purchase model to one summary and tabulate LL, k, AIC, BIC and, when
 * the summary has holdout columns, the holdout errors; ends with the model `fit --model auto` would choose.
 */

import Table from "cli-table3";
import type { Command } from "commander";
import { readSummaryCsv } from "../../data/summary-io.ts";
import { parseTimeUnit } from "../../data/time-unit.ts";
import { LoyalError } from "../../errors.ts";
import { compareModels, type ModelComparison, type ModelSelection, selectModel } from "../../models/compare.ts";
import { purchaseModelNames } from "../../models/registry.ts";
import { type CliContext, printJson } from "../context.ts";
import { createProgress } from "../progress.ts";
import { COMPACT_CHARS } from "../table.ts";

/** The JSON object `compare --json` prints (and `fit --model auto --json` embeds as `comparison`). */
export function comparisonResult(c: ModelComparison, s: ModelSelection) {
  return {
    n: c.n,
    holdout: c.holdout,
    models: c.models.map((m) => ({
      model: m.model,
      k: m.k,
      logLikelihood: m.logLikelihood,
      aic: m.aic,
      bic: m.bic,
      params: m.fitted?.params ?? null,
      holdout: m.holdout,
      error: m.error,
    })),
    selected: s.selected,
    criterion: s.criterion,
    reason: s.reason,
  };
}

/**
 * Parses `--models a,b,c` (default: every registered purchase model).
 * @throws LoyalError E_USAGE for an empty list
 */
export function parseModelList(list: string | undefined): string[] {
  if (list === undefined) return purchaseModelNames();
  const names = list
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);
  if (names.length === 0) throw new LoyalError("E_USAGE", "--models needs at least one model name");
  return names;
}

const num = (x: number | null | undefined, digits = 2) => (x === null || x === undefined ? "" : x.toFixed(digits));

/** The comparison as a text table. */
export function comparisonTable(c: ModelComparison): string {
  const head = ["model", "k", "log-likelihood", "AIC", "BIC"];
  if (c.holdout) head.push("holdout MAE", "holdout RMSE", "total error");
  const t = new Table({ chars: COMPACT_CHARS, head, style: { head: [], border: [] } });
  for (const m of c.models) {
    const row = [m.model, String(m.k), num(m.logLikelihood, 4), num(m.aic), num(m.bic)];
    if (c.holdout)
      row.push(num(m.holdout?.mae, 4), num(m.holdout?.rmse, 4), m.holdout ? num(m.holdout.totalError, 1) : "");
    if (m.error) row[2] = `failed: ${m.error.code}`;
    t.push(row);
  }
  return t.toString();
}

export function register(program: Command, ctx: CliContext): void {
  program
    .command("compare")
    .description("fit every purchase model to a summary and compare them (AIC, BIC, holdout errors)")
    .argument("<summary>", "summary CSV (holdout columns, when present, add the holdout comparison)")
    .option("--models <list>", "comma-separated purchase models (default: all registered)")
    .option("--penalizer <x>", "L2 penalty on the parameters", "0")
    .option("--no-holdout", "ignore holdout columns: compare by information criteria only")
    .option("--unit <unit>", "time unit of the summary when the file has no '# unit:' line (default week)")
    .option("--json", "print the comparison as one JSON object")
    .action(
      async (
        file: string,
        flags: { models?: string; penalizer: string; holdout: boolean; unit?: string; json?: boolean },
      ) => {
        const penalizer = Number(flags.penalizer);
        if (!(penalizer >= 0))
          throw new LoyalError("E_USAGE", `--penalizer must be a number >= 0, got '${flags.penalizer}'`);
        const names = parseModelList(flags.models);
        const progress = createProgress(ctx.io);
        progress.step(`reading ${file}`);
        const summary = await readSummaryCsv(file, { unit: flags.unit ? parseTimeUnit(flags.unit) : undefined });
        progress.step(`fitting ${names.join(", ")} to ${summary.ids.length} customers`);
        const comparison = compareModels(summary, names, {
          penalizer,
          holdout: flags.holdout ? undefined : false,
        });
        const selection = selectModel(comparison);
        progress.done();
        if (flags.json) printJson(ctx.io, comparisonResult(comparison, selection));
        else ctx.io.stdout(`${comparisonTable(comparison)}\nselected ${selection.selected}: ${selection.reason}\n`);
      },
    );
}
