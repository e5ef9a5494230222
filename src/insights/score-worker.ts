/**
 * Worker thread of the streaming scorer: scores one byte range of the summary CSV (score-range.ts).
 */
import { parentPort, workerData } from "node:worker_threads";
import { RangeError2, type RangeTask, scoreRange } from "./score-range.ts";

const task = workerData as RangeTask;
try {
  const result = scoreRange(task, (rows) => parentPort?.postMessage({ type: "progress", rows }));
  parentPort?.postMessage({ type: "done", result });
} catch (e) {
  const err = e as Error & { code?: string };
  parentPort?.postMessage({
    type: "error",
    message: err.message,
    code: err.code,
    lineInRange: e instanceof RangeError2 ? e.lineInRange : undefined,
    column: e instanceof RangeError2 ? e.column : undefined,
  });
}
