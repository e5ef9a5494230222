/**
 * One de-duplicated, testable channel for soft numeric warnings (after Observable Plot's warnings.js).
 * Library code calls `warn()`; adapters decide where warnings go (stderr, JSON `warnings` array).
 */
export interface LoyalWarning {
  code: string;
  message: string;
}

let collected: LoyalWarning[] = [];
const seen = new Set<string>();
let listener: ((w: LoyalWarning) => void) | undefined;

/**
 * Records a warning once per distinct code+message.
 * @param code a stable short code such as `W_HESSIAN`
 * @param message the human-readable warning
 */
export function warn(code: string, message: string): void {
  const key = `${code}\u0000${message}`;
  if (seen.has(key)) return;
  seen.add(key);
  const w = { code, message };
  collected.push(w);
  listener?.(w);
}

/** @returns the warnings recorded since the last `clearWarnings()`. */
export function warnings(): readonly LoyalWarning[] {
  return collected;
}

/** Forgets every recorded warning. */
export function clearWarnings(): void {
  collected = [];
  seen.clear();
}

/** Sets (or with `undefined`, removes) a function called with each new warning. */
export function onWarning(fn: ((w: LoyalWarning) => void) | undefined): void {
  listener = fn;
}
