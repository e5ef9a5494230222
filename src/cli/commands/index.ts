/**
 * Every CLI command, in the order `loyal --help` lists them.
 */
import type { Command } from "commander";
import type { CliContext } from "../context.ts";
import { register as analyze } from "./analyze.ts";
import { register as compare } from "./compare.ts";
import { register as demo } from "./demo.ts";
import { register as fit } from "./fit.ts";
import { register as predict } from "./predict.ts";
import { register as summarize } from "./summarize.ts";

export const commands: ((program: Command, ctx: CliContext) => void)[] = [
  summarize,
  fit,
  predict,
  compare,
  analyze,
  demo,
];
