/**
 * Text tables for the CLI: one style for every command (no rule between rows; no colour codes, so tables read the
 * same in files, logs and terminals).
 */

/** cli-table3 `chars`: borders around the table and under the header only. */
export const COMPACT_CHARS = { mid: "", "left-mid": "", "mid-mid": "", "right-mid": "" };

/** cli-table3 `style` without colours. */
export const PLAIN_STYLE = { head: [] as string[], border: [] as string[] };
