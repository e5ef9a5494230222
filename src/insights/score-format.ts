/**
 * Scores a chunk of customers and formats it as CSV lines (numbers to 9 decimals): the unit of work of the streaming scorer, run in worker
 * threads (score-worker.ts) or inline.
 */
import type { CustomerSummary } from "../data/summary.ts";
import type { TimeUnit } from "../data/time-unit.ts";
import type { FittedModel } from "../models/types.ts";
import { type ScoreOptions, scoreCustomers } from "./clv.ts";
import { ByteWriter } from "./fast-number.ts";

export interface ScoreChunk {
  seq: number;
  ids: string[];
  frequency: Float64Array;
  recency: Float64Array;
  T: Float64Array;
  monetary?: Float64Array;
}

export interface ScoreChunkJob {
  model: FittedModel;
  spendModel?: FittedModel;
  options: Omit<ScoreOptions, "spendModel">;
  unit: TimeUnit;
}

export interface ScoredChunk {
  seq: number;
  /** CSV rows (no header), UTF-8. */
  csv: Buffer;
  rows: number;
  expectedPurchases: number;
  clv: number;
}

const D = 9;

/**
 * Scores one chunk and renders its CSV rows (no header) into bytes.
 * @param job the models and options
 * @param chunk the customers
 * @param writer a reusable byte writer (reset here)
 * @returns the CSV bytes (a view into the writer's buffer) and the chunk's totals
 */
export function scoreChunk(job: ScoreChunkJob, chunk: ScoreChunk, writer = new ByteWriter()): ScoredChunk {
  const summary: CustomerSummary = {
    unit: job.unit,
    ids: chunk.ids,
    frequency: chunk.frequency,
    recency: chunk.recency,
    T: chunk.T,
    monetary: chunk.monetary,
  };
  const s = scoreCustomers(job.model, summary, { ...job.options, spendModel: job.spendModel });
  const n = chunk.ids.length;
  let e = 0;
  let clv = 0;
  writer.reset();
  for (let i = 0; i < n; i++) {
    e += s.expectedPurchases[i];
    const id = chunk.ids[i];
    if (/[",\r\n]/.test(id)) writer.str(`"${id.replaceAll('"', '""')}"`);
    else writer.str(id);
    writer.byte(44);
    writer.fixed(s.expectedPurchases[i], D);
    writer.byte(44);
    writer.fixed(s.pAlive[i], D);
    if (s.clv && s.expectedSpend) {
      clv += s.clv[i];
      writer.byte(44);
      writer.fixed(s.expectedSpend[i], D);
      writer.byte(44);
      writer.fixed(s.clv[i], D);
    }
    writer.byte(10);
  }
  return { seq: chunk.seq, csv: writer.bytes(), rows: n, expectedPurchases: e, clv };
}
