/**
 * Which source column plays which role (customer, date, amount, order, status, currency): given by the user, or
 * recognised from the column names (case-insensitive, ignoring spaces, dashes and underscores).
 */
import { LoyalError } from "../../errors.ts";

/** The roles a source column can play. `customer` and `date` are required. */
export type Role = "customer" | "date" | "amount" | "order" | "status" | "currency";

/** The roles, in the order they are reported. */
export const ROLES: readonly Role[] = ["customer", "date", "amount", "order", "status", "currency"];

/** Recognised names per role, most specific first (compared after `normalizeName`). */
export const ROLE_ALIASES: Readonly<Record<Role, readonly string[]>> = {
  customer: ["customer_id", "customer", "customerid", "client_id", "user_id", "email"],
  date: ["date", "order_date", "timestamp", "datetime", "created_at", "invoice_date"],
  amount: ["amount", "revenue", "total", "sales", "price", "value", "dollar_value"],
  order: ["order_id", "order", "invoice", "invoice_no"],
  status: ["status"],
  currency: ["currency"],
};

/** A role → source column assignment for one file. */
export interface ColumnMap {
  customer: string;
  date: string;
  amount?: string;
  order?: string;
  status?: string;
  currency?: string;
  /** Roles whose column was recognised by name rather than given. */
  detected: Role[];
}

/**
 * Lower-cases a column name and drops everything but letters and digits.
 * @example normalizeName(" Customer-ID ") // => "customerid"
 */
export function normalizeName(name: string): string {
  return name.toLowerCase().replace(/[^a-z0-9]/g, "");
}

/** True when a name is one loyal recognises for some role (used to tell a header line from data). */
export function isKnownColumnName(name: string): boolean {
  const n = normalizeName(name);
  return n !== "" && ROLES.some((r) => ROLE_ALIASES[r].some((a) => normalizeName(a) === n));
}

/**
 * Assigns roles to the columns of one file.
 * @param names the file's column names, in file order
 * @param given the user's explicit choices (by column name, case-insensitive)
 * @param file the file, for error messages
 * @returns the assignment; `detected` lists the roles found by name
 * @throws LoyalError E_USAGE when a given column does not exist or customer/date cannot be found
 * @example mapColumns(["CustomerID", "InvoiceDate", "Revenue"], {}, "a.csv").amount // => "Revenue"
 */
export function mapColumns(names: string[], given: Partial<Record<Role, string>>, file: string): ColumnMap {
  const used = new Set<string>();
  const out: Partial<Record<Role, string>> = {};
  const detected: Role[] = [];
  const available = () => `available columns: ${names.map((n) => JSON.stringify(n)).join(", ") || "(none)"}`;
  for (const role of ROLES) {
    const want = given[role];
    if (want === undefined) continue;
    const hit = names.find((n) => n === want) ?? names.find((n) => n.toLowerCase() === want.toLowerCase());
    if (hit === undefined) {
      throw new LoyalError("E_USAGE", `the ${role} column "${want}" is not in the file; ${available()}`, { file });
    }
    out[role] = hit;
    used.add(hit);
  }
  for (const role of ROLES) {
    if (out[role] !== undefined) continue;
    for (const alias of ROLE_ALIASES[role]) {
      const a = normalizeName(alias);
      const hit = names.find((n) => !used.has(n) && normalizeName(n) === a);
      if (hit !== undefined) {
        out[role] = hit;
        used.add(hit);
        detected.push(role);
        break;
      }
    }
  }
  for (const role of ["customer", "date"] as const) {
    if (out[role] === undefined) {
      throw new LoyalError(
        "E_USAGE",
        `no ${role} column found (name it with the ${role} option, or pass columns for a file without a header); ${available()}`,
        { file },
      );
    }
  }
  return { ...(out as Record<"customer" | "date", string>), ...out, detected };
}
