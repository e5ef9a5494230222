/**
 * `loyal fit <summary.csv> --model NAME`: maximum-likelihood fit, saved as versioned JSON.
 */
import type { Command } from "commander";
import { readSummaryCsv } from "../../data/summary-io.ts";
import { parseTimeUnit } from "../../data/time-unit.ts";
import { LoyalError } from "../../errors.ts";
import { compareModels, selectModel } from "../../models/compare.ts";
import { fitSummary } from "../../models/fit-summary.ts";
import { purchaseModelNames } from "../../models/registry.ts";
import { saveModel } from "../../models/serialize.ts";
import type { FittedModel } from "../../models/types.ts";
import { type CliContext, printJson } from "../context.ts";
import { createProgress } from "../progress.ts";
import { comparisonResult } from "./compare.ts";

/** The JSON object `fit --json` prints. */
export function fitResult(m: FittedModel) {
  return {
    model: m.model,
    params: m.params,
    standardErrors: m.standardErrors ?? null,
    intervals: m.intervals ?? null,
    logLikelihood: m.logLikelihood,
    aic: m.aic,
    bic: m.bic,
    n: m.n,
    unit: m.unit ?? null,
    converged: m.convergence.converged,
    iterations: m.convergence.iterations,
    optimizer: m.convergence.optimizer,
    gradientNorm: m.convergence.gradientNorm,
  };
}

export function register(program: Command, ctx: CliContext): void {
  program
    .command("fit")
    .description("fit a model to a customer summary (CSV with customer_id, frequency, recency, T[, monetary_value])")
    .argument(
      "<summary>",
      "summary CSV written by `loyal summarize` (or the published ID,frequency,recency,T / ID,x,t_x,T,zbar layouts)",
    )
    .option(
      "--model <name>",
      "bg-nbd | pareto-nbd | mbg-nbd | gamma-gamma, or auto: compare the purchase models and keep the best (lowest holdout error, else BIC)",
      "bg-nbd",
    )
    .option("--penalizer <x>", "L2 penalty on the parameters", "0")
    .option("--constrain-q", "gamma-gamma: force q > 1 (finite mean spend)")
    .option("--unit <unit>", "time unit of the summary when the file has no '# unit:' line (default week)")
    .option("-o, --output <file>", "write the fitted model as JSON")
    .option("--json", "print the fit as one JSON object")
    .action(
      async (
        file: string,
        flags: {
          model: string;
          penalizer: string;
          constrainQ?: boolean;
          unit?: string;
          output?: string;
          json?: boolean;
        },
      ) => {
        const penalizer = Number(flags.penalizer);
        if (!(penalizer >= 0))
          throw new LoyalError("E_USAGE", `--penalizer must be a number >= 0, got '${flags.penalizer}'`);
        const progress = createProgress(ctx.io);
        progress.step(`reading ${file}`);
        const summary = await readSummaryCsv(file, { unit: flags.unit ? parseTimeUnit(flags.unit) : undefined });
        let model: FittedModel;
        let auto: ReturnType<typeof comparisonResult> | undefined;
        if (flags.model === "auto") {
          const names = purchaseModelNames();
          progress.step(`fitting ${names.join(", ")} to ${summary.ids.length} customers`);
          const comparison = compareModels(summary, names, { penalizer });
          const selection = selectModel(comparison);
          model = selection.model;
          auto = comparisonResult(comparison, selection);
        } else {
          progress.step(`fitting ${flags.model} to ${summary.ids.length} customers`);
          model = fitSummary(flags.model, summary, { penalizer, constrainQ: flags.constrainQ });
        }
        if (flags.output) await saveModel(flags.output, model);
        progress.done();
        const result = fitResult(model);
        if (flags.json)
          printJson(
            ctx.io,
            auto ? { ...result, selected: auto.selected, reason: auto.reason, comparison: auto } : result,
          );
        else {
          if (auto) ctx.io.stdout(`selected ${auto.selected}: ${auto.reason}\n`);
          const ps = Object.entries(model.params)
            .map(
              ([k, v]) =>
                `${k} = ${v.toPrecision(6)}${model.standardErrors ? ` (se ${model.standardErrors[k].toPrecision(3)})` : ""}`,
            )
            .join(", ");
          ctx.io.stdout(
            `${model.model}: ${ps}\nlog-likelihood ${model.logLikelihood.toFixed(4)}, AIC ${model.aic.toFixed(2)}, BIC ${model.bic.toFixed(2)}, n ${model.n}, ${model.convergence.optimizer} converged in ${model.convergence.iterations} iterations\n`,
          );
          if (flags.output) ctx.io.stdout(`model written to ${flags.output}\n`);
        }
      },
    );
}
