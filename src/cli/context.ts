/**
 * What every CLI command gets: its output streams and whether stderr is a terminal (progress bars only then).
 * Commands never call process.exit; they throw LoyalError and `runCli` maps codes to exit codes.
 */
export interface CliIo {
  stdout(text: string): void;
  stderr(text: string): void;
  /** True when stderr is a terminal: progress bars and colours only then. */
  isTTY: boolean;
}

export interface CliContext {
  io: CliIo;
}

/** Prints one JSON object on stdout (the `--json` contract: the same object the library and the API return). */
export function printJson(io: CliIo, value: unknown): void {
  io.stdout(`${JSON.stringify(value, jsonReplacer, 2)}\n`);
}

/** JSON replacer: typed arrays become arrays, non-finite numbers become null. */
export function jsonReplacer(_key: string, value: unknown): unknown {
  if (ArrayBuffer.isView(value) && !(value instanceof DataView))
    return Array.from(value as unknown as ArrayLike<number>);
  if (typeof value === "number" && !Number.isFinite(value)) return null;
  return value;
}
