/**
 * Every CLI command, in the order `loyal --help` lists them.
 */
import type { Command } from "commander";
import type { CliContext } from "../context.ts";
import { register as analyze } from "./analyze.ts";
import { register as cohorts } from "./cohorts.ts";
import { register as compare } from "./compare.ts";
import { register as demo } from "./demo.ts";
import { register as fit } from "./fit.ts";
import { register as predict } from "./predict.ts";
import { register as profile } from "./profile.ts";
import { register as segments } from "./segments.ts";
import { register as sql } from "./sql.ts";
import { register as summarize } from "./summarize.ts";
import { register as targets } from "./targets.ts";
import { register as validate } from "./validate.ts";
import { register as whatif } from "./whatif.ts";

export const commands: ((program: Command, ctx: CliContext) => void)[] = [
  summarize,
  fit,
  predict,
  compare,
  analyze,
  profile,
  segments,
  targets,
  cohorts,
  whatif,
  validate,
  sql,
  demo,
];
