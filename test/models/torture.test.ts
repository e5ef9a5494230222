/**
 * Torture suite: every model fitted to hundreds of seeded simulated and adversarial data sets. The contract:
 * a fit either succeeds (finite positive parameters, converged, finite log-likelihood, AIC, BIC and standard
 * errors, finite predictions with P(alive) in [0, 1], and on simulated data a log-likelihood at least that of the
 * true parameters) or throws a LoyalError with a code. Never NaN, never an untyped exception.
 * Each test collects every failing case with its reproduction and fails once, listing them all.
 *
 * Data sets are generated (seeded) in the main thread; the fits run in worker threads running this same file, so a
 * fit that does not finish within its time budget is stopped and reported as a failure instead of hanging CI.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { isMainThread, parentPort, Worker } from "node:worker_threads";
import type { Customer, RfmData } from "../../src/data/summary.ts";
import { isLoyalError } from "../../src/errors.ts";
import { createRng, type Rng } from "../../src/math/random.ts";
import {
  type BgBbData,
  bgBbDiscountedExpectedResidualTransactions,
  bgBbExpectedPurchases,
  bgBbLogLikelihood,
  bgBbProbabilityAlive,
  fitBgBb,
  simulateBgBb,
} from "../../src/models/bg-bb.ts";
import { compressRfm } from "../../src/models/fit-summary.ts";
import {
  fitGammaGamma,
  type GammaGammaParams,
  gammaGammaExpectedSpend,
  gammaGammaLogLikelihood,
  type SpendData,
  simulateGammaGamma,
} from "../../src/models/gamma-gamma.ts";
import type { PurchaseModel } from "../../src/models/purchase-model.ts";
import { purchaseModel, purchaseModelNames } from "../../src/models/registry.ts";
import {
  fitSbg,
  type SbgCustomerData,
  type SbgData,
  sbgDiscountedExpectedLifetime,
  sbgDiscountedExpectedResidualLifetime,
  sbgLogLikelihood,
  sbgSurvival,
  simulateSbg,
} from "../../src/models/sbg.ts";
import type { FittedModel } from "../../src/models/types.ts";

/** Collects failures: a case name, what went wrong and enough to reproduce it. */
class Failures {
  readonly list: string[] = [];
  fits = 0;
  typedErrors = 0;
  add(name: string, problem: string, repro?: unknown): void {
    const json = repro === undefined ? "" : JSON.stringify(repro, replacer);
    this.list.push(
      `${name}: ${problem}${json ? `\n    repro: ${json.length > 800 ? `${json.slice(0, 800)}…` : json}` : ""}`,
    );
  }
  /** Runs one case; a LoyalError with a code is an accepted outcome, anything else thrown is a failure. */
  run<T>(name: string, repro: unknown, fn: () => T): T | undefined {
    try {
      return fn();
    } catch (e) {
      if (isLoyalError(e) && typeof e.code === "string" && e.code.startsWith("E_")) {
        this.typedErrors++;
        return undefined;
      }
      this.add(
        name,
        `untyped exception ${(e as Error)?.stack?.split("\n").slice(0, 3).join(" | ") ?? String(e)}`,
        repro,
      );
      return undefined;
    }
  }
}

function replacer(_k: string, v: unknown): unknown {
  if (ArrayBuffer.isView(v) && !(v instanceof DataView)) return Array.from(v as unknown as ArrayLike<number>);
  if (typeof v === "number" && !Number.isFinite(v)) return String(v);
  return v;
}

const finite = (x: unknown) => typeof x === "number" && Number.isFinite(x);

/** The checks every successful fit must pass. */
function checkFit(f: Failures, name: string, m: FittedModel, repro: unknown): boolean {
  f.fits++;
  const bad: string[] = [];
  for (const [k, v] of Object.entries(m.params)) if (!(finite(v) && v > 0)) bad.push(`param ${k} = ${v}`);
  if (!m.convergence.converged) bad.push("returned with converged = false");
  for (const k of ["logLikelihood", "aic", "bic", "n"] as const) if (!finite(m[k])) bad.push(`${k} = ${m[k]}`);
  if (m.standardErrors)
    for (const [k, v] of Object.entries(m.standardErrors)) if (!(finite(v) && v >= 0)) bad.push(`se ${k} = ${v}`);
  if (m.intervals)
    for (const [k, [lo, hi]] of Object.entries(m.intervals))
      if (!(lo >= 0 && lo <= m.params[k] * (1 + 1e-9) && hi >= m.params[k] * (1 - 1e-9) && !Number.isNaN(hi)))
        bad.push(`interval ${k} = [${lo}, ${hi}]`);
  if (m.logCovariance && !m.logCovariance.every(finite)) bad.push("logCovariance has a non-finite entry");
  if (bad.length) f.add(name, bad.join("; "), { ...(repro as object), params: m.params });
  return bad.length === 0;
}

// ---------------------------------------------------------------- purchase models (frequency, recency, T)

const rfm = (rows: [number, number, number][], weights?: number[]): RfmData => ({
  frequency: Float64Array.from(rows, (r) => r[0]),
  recency: Float64Array.from(rows, (r) => r[1]),
  T: Float64Array.from(rows, (r) => r[2]),
  weights: weights ? Float64Array.from(weights) : undefined,
});

const scale = (d: RfmData, k: number): RfmData => ({
  ...d,
  recency: d.recency.map((v) => v * k),
  T: d.T.map((v) => v * k),
});

/** Customers to predict for: a few from the data and the extremes, in the data's own time scale. */
function probeCustomers(d: RfmData): Customer[] {
  let maxT = 0;
  for (let i = 0; i < d.T.length; i++) maxT = Math.max(maxT, d.T[i]);
  const T = maxT > 0 ? maxT : 1;
  const out: Customer[] = [
    { frequency: 0, recency: 0, T },
    { frequency: 1, recency: T, T },
    { frequency: 10000, recency: T * 0.99, T },
    { frequency: 10000, recency: T * 1e-4, T },
    { frequency: 5, recency: T * 1e-6, T },
    { frequency: 0, recency: 0, T: 0 },
  ];
  for (let i = 0; i < Math.min(d.frequency.length, 5); i++)
    out.push({ frequency: d.frequency[i], recency: d.recency[i], T: d.T[i] });
  return out;
}

// biome-ignore lint/suspicious/noExplicitAny: models have different parameter records
function checkPurchasePredictions(f: Failures, name: string, api: PurchaseModel<any>, m: FittedModel, d: RfmData) {
  let maxT = 0;
  for (let i = 0; i < d.T.length; i++) maxT = Math.max(maxT, d.T[i]);
  const horizons = [maxT > 0 ? maxT : 1, (maxT > 0 ? maxT : 1) * 1e-3];
  // One failure per fit and prediction, with the first reproduction and the number of bad probes.
  const bad = new Map<string, { first: unknown; value: number; count: number }>();
  const note = (what: string, value: number, repro: unknown) => {
    const b = bad.get(what);
    if (b) b.count++;
    else bad.set(what, { first: repro, value, count: 1 });
  };
  for (const c of probeCustomers(d)) {
    const pa = f.run(`${name} P(alive)`, { c, params: m.params }, () => api.probabilityAlive(m.params, c));
    if (pa !== undefined && !(pa >= 0 && pa <= 1)) note("probabilityAlive not in [0, 1]", pa, { c });
    for (const t of horizons) {
      const e = f.run(`${name} E[X]`, { c, t, params: m.params }, () => api.expectedPurchases(m.params, t, c));
      if (e !== undefined && !(finite(e) && e >= 0)) note("expectedPurchases not finite >= 0", e, { c, t });
    }
  }
  for (const t of horizons) {
    const e = f.run(`${name} E new`, { t }, () => api.expectedPurchasesNewCustomer(m.params, t));
    if (e !== undefined && !(finite(e) && e >= 0)) note("expectedPurchasesNewCustomer not finite >= 0", e, { t });
  }
  for (const [what, b] of bad)
    f.add(`${name} ${what}`, `${b.value} (${b.count} of the probes)`, {
      model: api.name,
      params: m.params,
      ...(b.first as object),
    });
}

/** Fits one purchase model to `d`; with `truth` from the same model, the fit must reach the LL of the truth. */
function torturePurchase(
  f: Failures,
  name: string,
  modelName: string,
  d: RfmData,
  truth?: { model: string; params: Record<string, number> },
): void {
  const api = purchaseModel(modelName);
  const repro = { model: modelName, case: name, data: d };
  const m = f.run(`${name} / ${modelName} fit`, repro, () => api.fit(d));
  if (!m) return;
  const ll = f.run(`${name} / ${modelName} LL`, repro, () => api.logLikelihood(m.params, d));
  if (ll !== undefined && !finite(ll)) f.add(`${name} / ${modelName}`, `logLikelihood(params) = ${ll}`, repro);
  if (!checkFit(f, `${name} / ${modelName}`, m, repro)) return;
  if (truth && truth.model === modelName) {
    const llTrue = api.logLikelihood(truth.params, d);
    if (m.logLikelihood < llTrue - 1e-6 * Math.abs(llTrue))
      f.add(
        `${name} / ${modelName}`,
        `silently wrong fit: LL ${m.logLikelihood} below the LL at the true parameters ${llTrue}`,
        {
          ...repro,
          truth: truth.params,
          fitted: m.params,
        },
      );
  }
  checkPurchasePredictions(f, `${name} / ${modelName}`, api, m, d);
}

function uniformT(rng: Rng, n: number, lo: number, hi: number): Float64Array {
  return Float64Array.from({ length: n }, () => lo + (hi - lo) * rng.uniform());
}

// ---------------------------------------------------------------- Gamma-Gamma

function tortureGammaGamma(f: Failures, name: string, d: SpendData, truth?: GammaGammaParams): void {
  const repro = { model: "gamma-gamma", case: name, data: d };
  for (const constrainQ of [false, true]) {
    const m = f.run(`${name} gg fit`, { ...repro, constrainQ }, () => fitGammaGamma(d, { constrainQ }));
    if (!m || !checkFit(f, `${name} / gamma-gamma constrainQ=${constrainQ}`, m, { ...repro, constrainQ })) continue;
    const ll = gammaGammaLogLikelihood(m.params as GammaGammaParams, d);
    if (!finite(ll)) f.add(name, `LL ${ll}`, repro);
    if (truth && !constrainQ) {
      const llTrue = gammaGammaLogLikelihood(truth, d);
      if (m.logLikelihood < llTrue - 1e-6 * Math.abs(llTrue))
        f.add(name, `silently wrong fit: LL ${m.logLikelihood} < LL(truth) ${llTrue}`, {
          ...repro,
          truth,
          fitted: m.params,
        });
    }
    for (const [x, z] of [
      [1, 1],
      [10000, 1e-6],
      [3, 1e9],
      [d.frequency[0], d.monetary[0]],
    ]) {
      const s = gammaGammaExpectedSpend(m.params as GammaGammaParams, x, z);
      if (!(finite(s) && s >= 0)) f.add(`${name} expected spend (x ${x}, z ${z})`, `${s}`, { params: m.params });
    }
    if (constrainQ) {
      const s0 = gammaGammaExpectedSpend(m.params as GammaGammaParams, 0, 0);
      if (!(finite(s0) && s0 > 0)) f.add(`${name} population mean spend (q > 1)`, `${s0}`, { params: m.params });
    }
  }
}

// ---------------------------------------------------------------- BG/BB

function tortureBgBb(f: Failures, name: string, d: BgBbData, truth?: Record<string, number>): void {
  const repro = { model: "bg-bb", case: name, data: d };
  const m = f.run(`${name} bg-bb fit`, repro, () => fitBgBb(d));
  if (!m || !checkFit(f, `${name} / bg-bb`, m, repro)) return;
  const p = m.params as Parameters<typeof bgBbLogLikelihood>[0];
  if (truth) {
    const llTrue = bgBbLogLikelihood(truth as typeof p, d);
    if (m.logLikelihood < llTrue - 1e-6 * Math.abs(llTrue))
      f.add(name, `silently wrong fit: LL ${m.logLikelihood} < LL(truth) ${llTrue}`, { ...repro, truth, fitted: p });
  }
  const maxN = Math.max(...Array.from(d.periods));
  for (const c of [
    { frequency: 0, recency: 0, periods: maxN },
    { frequency: maxN, recency: maxN, periods: maxN },
    { frequency: 1, recency: 1, periods: maxN },
    { frequency: d.frequency[0], recency: d.recency[0], periods: d.periods[0] },
  ]) {
    for (const mAhead of [0, 1]) {
      const pa = f.run(`${name} P(alive)`, { c, p }, () => bgBbProbabilityAlive(p, c, mAhead));
      if (pa !== undefined && !(pa >= 0 && pa <= 1 + 1e-12)) f.add(`${name} P(alive, m=${mAhead})`, `${pa}`, { c, p });
    }
    const e = f.run(`${name} E[X]`, { c, p }, () => bgBbExpectedPurchases(p, 10, c));
    if (e !== undefined && !(finite(e) && e >= 0 && e <= 10 + 1e-9))
      f.add(`${name} expectedPurchases`, `${e}`, { c, p });
    const dert = f.run(`${name} DERT`, { c, p }, () => bgBbDiscountedExpectedResidualTransactions(p, 0.1, c));
    if (dert !== undefined && !(finite(dert) && dert >= 0)) f.add(`${name} DERT`, `${dert}`, { c, p });
  }
}

// ---------------------------------------------------------------- sBG

function tortureSbg(f: Failures, name: string, d: SbgData, truth?: Record<string, number>): void {
  const repro = { model: "sbg", case: name, data: d };
  const m = f.run(`${name} sbg fit`, repro, () => fitSbg(d));
  if (!m || !checkFit(f, `${name} / sbg`, m, repro)) return;
  const p = m.params as Parameters<typeof sbgLogLikelihood>[0];
  if (truth) {
    const llTrue = sbgLogLikelihood(truth as typeof p, d);
    if (m.logLikelihood < llTrue - 1e-6 * Math.abs(llTrue))
      f.add(name, `silently wrong fit: LL ${m.logLikelihood} < LL(truth) ${llTrue}`, { ...repro, truth, fitted: p });
  }
  for (const t of [0, 1, 10, 1000]) {
    const s = sbgSurvival(p, t);
    if (!(s >= 0 && s <= 1)) f.add(`${name} S(${t})`, `${s}`, p);
    const derl = f.run(`${name} DERL`, p, () => sbgDiscountedExpectedResidualLifetime(p, 0.1, t));
    if (derl !== undefined && !(finite(derl) && derl >= 0)) f.add(`${name} DERL(${t})`, `${derl}`, p);
  }
  for (const disc of [0.1, 1e-3]) {
    const del = f.run(`${name} DEL`, p, () => sbgDiscountedExpectedLifetime(p, disc));
    if (del !== undefined && !(finite(del) && del >= 1)) f.add(`${name} DEL(${disc})`, `${del}`, p);
  }
}

// ---------------------------------------------------------------- jobs, run in worker threads with a time budget

type Job =
  | {
      kind: "purchase";
      name: string;
      model: string;
      data: RfmData;
      truth?: { model: string; params: Record<string, number> };
    }
  | { kind: "purchase-predictions"; name: string; model: string; params: Record<string, number>; data: RfmData }
  | { kind: "gamma-gamma"; name: string; data: SpendData; truth?: GammaGammaParams }
  | { kind: "bg-bb"; name: string; data: BgBbData; truth?: Record<string, number> }
  | { kind: "sbg"; name: string; data: SbgData; truth?: Record<string, number> };

interface JobResult {
  failures: string[];
  fits: number;
  typedErrors: number;
}

function runJob(job: Job): JobResult {
  const f = new Failures();
  if (job.kind === "purchase") torturePurchase(f, job.name, job.model, job.data, job.truth);
  else if (job.kind === "purchase-predictions") {
    const fake = { model: job.model, params: job.params } as unknown as FittedModel;
    checkPurchasePredictions(f, job.name, purchaseModel(job.model), fake, job.data);
  } else if (job.kind === "gamma-gamma") tortureGammaGamma(f, job.name, job.data, job.truth);
  else if (job.kind === "bg-bb") tortureBgBb(f, job.name, job.data, job.truth);
  else tortureSbg(f, job.name, job.data, job.truth);
  return { failures: f.list, fits: f.fits, typedErrors: f.typedErrors };
}

if (!isMainThread && parentPort) {
  const port = parentPort;
  port.on("message", (job: Job) => port.postMessage(runJob(job)));
  port.postMessage("ready");
}

/**
 * Budget per job (one fit and its predictions): it catches a fit that hangs, not a slow one. Normal fits take well
 * under a second; the slowest (a near-singular Pareto/NBD) takes ~4 s alone and more on a loaded CI machine.
 */
const BUDGET_MS = 20_000;

function spawnWorker(): Promise<Worker> {
  const w = new Worker(
    `import("tsx/esm/api").then((m) => { m.register(); return import(${JSON.stringify(import.meta.url)}); })`,
    { eval: true },
  );
  return new Promise((resolve, reject) => {
    w.once("message", () => resolve(w));
    w.once("error", reject);
  });
}

/** Runs the jobs on two workers; a job over budget is stopped (its worker replaced) and reported. */
async function runJobs(jobs: Job[]): Promise<JobResult> {
  const total: JobResult = { failures: [], fits: 0, typedErrors: 0 };
  let next = 0;
  const lane = async () => {
    let w: Worker | undefined;
    while (next < jobs.length) {
      const job = jobs[next++];
      w ??= await spawnWorker();
      const worker = w;
      const r = await new Promise<JobResult | "timeout" | Error>((resolve) => {
        // Remove only these listeners: a Worker keeps internal ones (removeAllListeners would stop its messages).
        const done = (v: JobResult | "timeout" | Error) => {
          clearTimeout(timer);
          worker.off("message", onMessage);
          worker.off("error", onError);
          resolve(v);
        };
        const onMessage = (m: JobResult) => done(m);
        const onError = (e: Error) => done(e);
        const timer = setTimeout(() => done("timeout"), BUDGET_MS);
        worker.on("message", onMessage);
        worker.on("error", onError);
        worker.postMessage(job);
      });
      if (r === "timeout" || r instanceof Error) {
        await worker.terminate();
        w = undefined;
        const what = r === "timeout" ? `did not finish within ${BUDGET_MS} ms` : `worker crashed: ${r.message}`;
        const model = "model" in job ? job.model : job.kind;
        const json = JSON.stringify("data" in job ? job.data : {}, replacer);
        total.failures.push(
          `${job.name} / ${model}: ${what}\n    repro: ${json.length > 800 ? `${json.slice(0, 800)}…` : json}`,
        );
        continue;
      }
      total.failures.push(...r.failures);
      total.fits += r.fits;
      total.typedErrors += r.typedErrors;
    }
    await w?.terminate();
  };
  await Promise.all([lane(), lane()]);
  return total;
}

function assertNoFailures(r: JobResult): void {
  assert.equal(r.failures.length, 0, `${r.failures.length} failing cases:\n${r.failures.slice(0, 40).join("\n")}`);
}

const logUniform = (rng: Rng) => (lo: number, hi: number) =>
  Math.exp(Math.log(lo) + (Math.log(hi) - Math.log(lo)) * rng.uniform());

/** Adversarial (frequency, recency, T) data sets. */
function adversarialRfm(): [string, RfmData][] {
  const rng = createRng(20261123);
  const base = compressRfm(
    purchaseModel("bg-nbd").simulate(
      { r: 0.243, alpha: 4.414, a: 0.793, b: 2.426 },
      uniformT(rng, 500, 27, 39),
      rng,
      1 / 7,
    ),
  ).data;
  const tri = (n: number, fn: (i: number) => [number, number, number]) => Array.from({ length: n }, (_, i) => fn(i));
  return [
    ["all one-time buyers (50)", rfm(tri(50, (i) => [0, 0, 10 + i]))],
    ["all one-time buyers, one T", rfm([[0, 0, 30]], [1000])],
    ["a single customer x=3", rfm([[3, 20, 30]])],
    ["a single one-time buyer", rfm([[0, 0, 30]])],
    ["a single customer x=10,000", rfm([[10000, 29.9, 30]])],
    [
      "huge frequencies (10,000) mixed in",
      { ...base, frequency: base.frequency.map((x, i) => (i % 50 === 1 && x > 0 ? 10000 : x)) },
    ],
    ["T = recency for everyone (x > 0)", rfm(tri(40, (i) => [1 + (i % 7), 5 + i, 5 + i]))],
    [
      "T = recency for every repeat buyer",
      { ...base, recency: Float64Array.from(base.frequency, (x, i) => (x > 0 ? base.T[i] : 0)) },
    ],
    ["recency 1e-6 of T with x > 0", rfm(tri(30, (i) => [1 + (i % 4), 1e-6 * (20 + i), 20 + i]))],
    [
      "T = 0 for the one-time buyers",
      { ...base, T: Float64Array.from(base.frequency, (x, i) => (x > 0 ? base.T[i] : 0)) },
    ],
    ["everyone x=1 at the same time", rfm(tri(60, (i) => [1, 10, 20 + (i % 3)]))],
    ["identical customers only (weight 1e6)", rfm([[2, 15, 30]], [1e6])],
    ["zero-weight rows mixed in", { ...base, weights: base.weights!.map((w, i) => (i % 3 === 0 ? 0 : w)) }],
    ["T in days (×7)", scale(base, 7)],
    ["T in years (÷52)", scale(base, 1 / 52)],
    ["T in seconds (×604,800)", scale(base, 604800)],
    ["T in centuries (÷5,200)", scale(base, 1 / 5200)],
  ];
}

if (isMainThread) {
  const models = purchaseModelNames();
  const summary: JobResult = { failures: [], fits: 0, typedErrors: 0 };
  const record = (r: JobResult) => {
    summary.fits += r.fits;
    summary.typedErrors += r.typedErrors;
  };

  describe("torture: purchase models (every registered one)", () => {
    it("degenerate and extreme data sets: a correct fit or a LoyalError, never NaN", async () => {
      const jobs: Job[] = [];
      for (const [name, data] of adversarialRfm())
        for (const model of models) jobs.push({ kind: "purchase", name, model, data });
      const r = await runJobs(jobs);
      record(r);
      assertNoFailures(r);
    });

    it("near-singular a → 1: BG/NBD data with a = 1 ± 1e-4, fits and predictions at a = 1", async () => {
      const jobs: Job[] = [];
      for (const [i, a] of [1, 1 + 1e-4, 1 - 1e-4, 1 + 1e-9].entries()) {
        const rng = createRng(300 + i);
        const params = { r: 0.5, alpha: 5, a, b: 3 };
        const data = compressRfm(purchaseModel("bg-nbd").simulate(params, uniformT(rng, 400, 20, 40), rng, 1 / 7)).data;
        const name = `BG/NBD data with a = ${a}`;
        for (const model of models) {
          jobs.push({ kind: "purchase", name, model, data, truth: { model: "bg-nbd", params } });
          if (purchaseModel(model).paramNames.includes("a"))
            jobs.push({ kind: "purchase-predictions", name: `${model} predictions at a = ${a}`, model, params, data });
        }
      }
      const r = await runJobs(jobs);
      record(r);
      assertNoFailures(r);
    });

    it("random parameter draws: data simulated from each model, every model fitted", async () => {
      const jobs: Job[] = [];
      const rng = createRng(7);
      const u = logUniform(rng);
      for (let rep = 0; rep < 8; rep++) {
        for (const gen of models) {
          const api = purchaseModel(gen);
          const n = 20 + rng.int(300);
          const params: Record<string, number> = {};
          for (const p of api.paramNames)
            params[p] =
              p === "r" || p === "s"
                ? u(0.05, 5)
                : p === "alpha" || p === "beta"
                  ? u(0.1, 100)
                  : p === "a"
                    ? u(0.1, 5)
                    : u(0.1, 10);
          const Tmax = u(1, 500);
          const data = compressRfm(api.simulate(params, uniformT(rng, n, Tmax / 3, Tmax), rng)).data;
          const name = `seed 7 rep ${rep} from ${gen} ${JSON.stringify(params)} (n ${n}, T <= ${Tmax.toFixed(2)})`;
          for (const model of models) jobs.push({ kind: "purchase", name, model, data, truth: { model: gen, params } });
        }
      }
      const r = await runJobs(jobs);
      record(r);
      assertNoFailures(r);
    });
  });

  describe("torture: Gamma-Gamma", () => {
    it("adversarial spend data and random parameter draws", async () => {
      const sd = (x: number[], z: number[]): SpendData => ({
        frequency: Float64Array.from(x),
        monetary: Float64Array.from(z),
      });
      const jobs: Job[] = [
        ["a single repeat customer", sd([2], [10])],
        ["no repeat customers", sd([0, 0, 0], [0, 0, 0])],
        ["two identical customers", sd([1, 1], [10, 10])],
        ["all spends identical (50)", sd(Array(50).fill(3), Array(50).fill(25))],
        ["huge spends (1e9)", sd([1, 2, 3, 4, 5, 6], [1e9, 2e9, 5e8, 1.5e9, 3e9, 1e9])],
        ["tiny spends (1e-6)", sd([1, 2, 3, 4, 5, 6], [1e-6, 2e-6, 5e-7, 1.5e-6, 3e-6, 1e-6])],
        ["x = 10,000 mixed in", sd([1, 2, 10000, 3, 1, 10000], [10, 20, 15, 12, 30, 16])],
        ["zero spends mixed in", sd([1, 2, 3, 4, 0, 2], [0, 20, 15, 0, 0, 16])],
      ].map(([name, data]) => ({ kind: "gamma-gamma", name: name as string, data: data as SpendData }));
      const rng = createRng(11);
      const u = logUniform(rng);
      for (let rep = 0; rep < 40; rep++) {
        const truth = { p: u(0.3, 30), q: u(0.5, 20), v: u(0.1, 1000) };
        const n = 10 + rng.int(400);
        const frequency = Float64Array.from({ length: n }, () => rng.int(12));
        const monetary = simulateGammaGamma(truth, frequency, rng);
        jobs.push({
          kind: "gamma-gamma",
          name: `seed 11 rep ${rep} ${JSON.stringify(truth)} (n ${n})`,
          data: { frequency, monetary },
          truth,
        });
      }
      const r = await runJobs(jobs);
      record(r);
      assertNoFailures(r);
    });
  });

  describe("torture: BG/BB", () => {
    it("adversarial histories and random parameter draws", async () => {
      const bb = (rows: [number, number, number][], w?: number[]): BgBbData => ({
        frequency: rows.map((x) => x[0]),
        recency: rows.map((x) => x[1]),
        periods: rows.map((x) => x[2]),
        weights: w,
      });
      const jobs: Job[] = (
        [
          ["nobody ever transacts", bb([[0, 0, 6]], [1000])],
          ["everyone transacts every period", bb([[6, 6, 6]], [1000])],
          ["a single customer", bb([[3, 5, 6]])],
          ["a single pattern x = t_x = n = 1", bb([[1, 1, 1]], [10])],
          [
            "half never, half always",
            bb(
              [
                [0, 0, 6],
                [6, 6, 6],
              ],
              [500, 500],
            ),
          ],
          [
            "1,000 opportunities",
            bb(
              [
                [0, 0, 1000],
                [500, 990, 1000],
                [1000, 1000, 1000],
                [3, 10, 1000],
              ],
              [100, 50, 5, 200],
            ),
          ],
          [
            "zero weights mixed in",
            bb(
              [
                [0, 0, 6],
                [2, 3, 6],
                [6, 6, 6],
                [1, 1, 6],
              ],
              [0, 10, 0, 5],
            ),
          ],
        ] as [string, BgBbData][]
      ).map(([name, data]) => ({ kind: "bg-bb", name, data }));
      const rng = createRng(13);
      const u = logUniform(rng);
      for (let rep = 0; rep < 40; rep++) {
        const truth = { alpha: u(0.1, 10), beta: u(0.1, 10), gamma: u(0.1, 10), delta: u(0.1, 10) };
        const n = 20 + rng.int(1000);
        const periods = 1 + rng.int(30);
        const data = simulateBgBb(truth, new Float64Array(n).fill(periods), rng);
        jobs.push({
          kind: "bg-bb",
          name: `seed 13 rep ${rep} ${JSON.stringify(truth)} (n ${n}, ${periods} periods)`,
          data,
          truth,
        });
      }
      const r = await runJobs(jobs);
      record(r);
      assertNoFailures(r);
    });
  });

  describe("torture: sBG", () => {
    it("adversarial curves and random parameter draws", async () => {
      const jobs: Job[] = (
        [
          ["nobody churns", { alive: [1000, 1000, 1000, 1000] }],
          ["everyone churns at period 1", { alive: [1000, 0] }],
          ["everyone churns by period 2", { alive: [1000, 10, 0, 0] }],
          ["a single customer, churned", { periods: [3], churned: [true] }],
          ["a single customer, censored", { periods: [3], churned: [false] }],
          ["a cohort of 1", { alive: [1, 1, 0] }],
          [
            "1,000 periods, slow decay",
            { alive: Array.from({ length: 1001 }, (_, t) => Math.round(1e6 * (1 + t) ** -0.5)) },
          ],
          ["churn only at the last period", { alive: [100, 100, 100, 100, 40] }],
          ["huge cohort", { alive: [1e12, 6e11, 4e11, 3e11] }],
        ] as [string, SbgData][]
      ).map(([name, data]) => ({ kind: "sbg", name, data }));
      const rng = createRng(17);
      const u = logUniform(rng);
      for (let rep = 0; rep < 40; rep++) {
        const truth = { alpha: u(0.05, 20), beta: u(0.05, 20) };
        const n = 10 + rng.int(2000);
        const periods = 1 + rng.int(20);
        const data: SbgCustomerData = simulateSbg(truth, n, periods, rng);
        jobs.push({
          kind: "sbg",
          name: `seed 17 rep ${rep} ${JSON.stringify(truth)} (n ${n}, ${periods} periods)`,
          data,
          truth,
        });
      }
      const r = await runJobs(jobs);
      record(r);
      assertNoFailures(r);
    });
  });

  describe("torture: totals", () => {
    it("ran hundreds of fits, each a correct fit or a typed LoyalError", () => {
      assert.ok(
        summary.fits + summary.typedErrors >= 300,
        JSON.stringify({ fits: summary.fits, errors: summary.typedErrors }),
      );
    });
  });
}
