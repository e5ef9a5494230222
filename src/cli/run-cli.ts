/**
 * The CLI as a function: `runCli(argv, io)` returns the exit code. Only bin/ calls process.exit.
 */
import { Command, CommanderError } from "commander";
import { isLoyalError } from "../errors.ts";
import { clearWarnings, onWarning } from "../warnings.ts";
import { commands } from "./commands/index.ts";
import type { CliContext, CliIo } from "./context.ts";
import { exitCodeFor } from "./exit-codes.ts";

/**
 * Runs the loyal CLI.
 * @param argv the arguments after the program name (e.g. ["fit", "summary.csv", "--model", "bg-nbd"])
 * @param io output streams
 * @returns the exit code: 0 on success, 2 for usage errors, 3 for bad input, see exit-codes.ts
 * @example await runCli(["--version"], io) // => 0, prints the version
 */
export async function runCli(argv: string[], io: CliIo): Promise<number> {
  const ctx: CliContext = { io };
  const program = new Command("loyal")
    .description("Customer-loyalty analytics: buy-till-you-die models, CLV, segments and targeting")
    .version("0.1.0")
    .exitOverride()
    .configureOutput({ writeOut: io.stdout, writeErr: io.stderr })
    .showHelpAfterError(false);
  for (const register of commands) register(program, ctx);
  clearWarnings();
  onWarning((w) => io.stderr(`loyal: warning [${w.code}]: ${w.message}\n`));
  try {
    await program.parseAsync(argv, { from: "user" });
    return 0;
  } catch (e) {
    if (e instanceof CommanderError) {
      if (e.code === "commander.helpDisplayed" || e.code === "commander.version" || e.code === "commander.help")
        return 0;
      return e.exitCode === 0 ? 0 : 2;
    }
    if (isLoyalError(e)) {
      io.stderr(`loyal: error [${e.code}]: ${e.message}\n`);
      return exitCodeFor(e.code);
    }
    io.stderr(`loyal: internal error: ${(e as Error)?.stack ?? String(e)}\n`);
    return 70;
  } finally {
    onWarning(undefined);
  }
}
