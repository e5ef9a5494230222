/**
 * From staged rows to the `purchases` table, set-based: exclusions, duplicated export lines, order merging and
 * refund netting, with every row accounted for.
 *
 * Rules, in order (a row is counted by the first that applies):
 * 1. quarantined rows (bad line, missing customer, bad date, bad amount) are left out;
 * 2. an excluded status (case-insensitive) or an excluded customer id drops the row;
 * 3. with an order column, a row identical to an earlier one in every column is a duplicated export line;
 * 4. rows of one customer with the same order id are one purchase (amounts summed, day = first non-refund day);
 *    without an order id, a customer's rows on a day that has a refund (negative amount) are netted into one;
 *    every other row is a purchase of its own (identical same-day rows without an order id stay separate);
 * 5. a merged purchase that has a refund and whose net amount is <= 0 is no purchase (all its rows are refunded).
 */
import { LoyalError } from "../../errors.ts";
import { type DuckDBConnection, sqlString } from "../duckdb.ts";
import { run } from "./stage.ts";

/** Row counts of the cleaning step; everything but `rowsRead` adds up to `rowsRead`. */
export interface CleanCounts {
  rowsRead: number;
  rowsUsed: number;
  rowsMerged: number;
  rowsQuarantined: number;
  rowsExcludedStatus: number;
  rowsExcludedCustomer: number;
  rowsDuplicate: number;
  rowsRefunded: number;
  byReason: Record<string, number>;
}

/** What cleaning needs to know. */
export interface CleanOptions {
  hasAmount: boolean;
  hasOrder: boolean;
  /** The currency column's name, when there is one. */
  currencyColumn?: string;
  excludeStatus: string[];
  excludeCustomers: string[];
  /**
   * A clean table of exactly `(customer_id, day, amount)` behind `stage` (its only source): when nothing needs
   * cleaning it is renamed to `purchases` instead of copied.
   */
  purchasesShaped?: string;
}

const num = (v: unknown) => Number(v ?? 0);

/** A SQL list literal of strings. */
const sqlList = (xs: string[]) => `[${xs.map(sqlString).join(", ")}]`;

/**
 * Builds `purchases(customer_id VARCHAR, day INTEGER, amount DOUBLE)` from the staged rows in `stage`.
 * @param conn the connection holding `stage`
 * @param stage a table or view with the staging columns
 * @returns the counts
 * @throws LoyalError E_CURRENCY when the kept rows have more than one currency
 */
export async function cleanStaged(conn: DuckDBConnection, stage: string, o: CleanOptions): Promise<CleanCounts> {
  const stats = (
    await run(
      conn,
      `select count(*)::bigint as n, count(*) filter (where reason is null and amount < 0)::bigint as neg from ${stage}`,
    )
  ).getRowObjectsJson()[0];
  const byReason: Record<string, number> = {};
  const reasons = await run(
    conn,
    `select reason, count(*)::bigint as n from ${stage} where reason is not null group by reason order by reason`,
  );
  let rowsQuarantined = 0;
  for (const r of reasons.getRowObjectsJson()) {
    byReason[String(r.reason)] = num(r.n);
    rowsQuarantined += num(r.n);
  }
  const counts: CleanCounts = {
    rowsRead: num(stats.n),
    rowsUsed: 0,
    rowsMerged: 0,
    rowsQuarantined,
    rowsExcludedStatus: 0,
    rowsExcludedCustomer: 0,
    rowsDuplicate: 0,
    rowsRefunded: 0,
    byReason,
  };

  const statusList = o.excludeStatus.map((s) => s.trim().toLowerCase());
  const exclStatus = statusList.length
    ? `coalesce(lower(status) in (select unnest(${sqlList(statusList)})), false)`
    : "false";
  const exclCustomer = o.excludeCustomers.length
    ? `customer in (select unnest(${sqlList(o.excludeCustomers.map((s) => s.trim()))}))`
    : "false";
  const excl = `case when ${exclStatus} then 'status' when ${exclCustomer} then 'customer' end`;

  if (o.currencyColumn !== undefined) {
    const cur = await run(
      conn,
      `select distinct upper(currency) as c from ${stage} where reason is null and ${excl} is null and currency is not null order by c`,
    );
    const list = cur.getRowObjectsJson().map((r) => String(r.c));
    if (list.length > 1) {
      throw new LoyalError(
        "E_CURRENCY",
        `amounts are in ${list.length} currencies (${list.join(", ")}); convert them to one currency first, or exclude rows`,
        { column: o.currencyColumn },
        { currencies: list },
      );
    }
  }

  const simple = !o.hasOrder && num(stats.neg) === 0 && !o.excludeStatus.length && !o.excludeCustomers.length;
  if (simple && o.purchasesShaped) {
    await run(
      conn,
      `drop view if exists ${stage}; drop table if exists purchases; alter table ${o.purchasesShaped} rename to purchases`,
    );
    counts.rowsUsed = counts.rowsRead - rowsQuarantined;
    return counts;
  }
  if (simple) {
    await run(
      conn,
      `create or replace table purchases as
        select customer as customer_id, day, amount from ${stage} where reason is null`,
    );
    counts.rowsUsed = counts.rowsRead - rowsQuarantined;
    return counts;
  }

  const usable = `select * from ${stage} where reason is null and ${excl} is null`;
  // with an order column, identical rows collapse into one (copies - 1 duplicates); without, every row stays
  const kept = o.hasOrder
    ? `select customer, order_id, day, amount, count(*) as copies from (${usable})
        group by customer, order_id, day, ts, amount, status, currency, extra`
    : `select customer, order_id, day, amount, 1 as copies from (${usable})`;
  const netted = "(has_neg and amount <= 1e-9)";
  await run(
    conn,
    `create or replace temp table __li_kept as ${kept};
     create or replace temp table __li_negdays as
      select distinct customer, day from __li_kept where order_id is null and amount < 0;
     create or replace temp table __li_groups as
      select customer, coalesce(min(day) filter (where amount >= 0 or amount is null), min(day)) as day,
        sum(amount) as amount, count(*) as n, coalesce(bool_or(amount < 0), false) as has_neg
      from (select * from __li_kept where order_id is not null
            union all select k.* from __li_kept k semi join __li_negdays d
              on k.order_id is null and k.customer = d.customer and k.day = d.day)
      group by customer, order_id, case when order_id is null then day end;
     create or replace table purchases as
      select k.customer as customer_id, k.day, k.amount from __li_kept k anti join __li_negdays d
        on k.customer = d.customer and k.day = d.day where k.order_id is null
      union all
      select customer, day, amount from __li_groups where not ${netted};`,
  );
  const c = (
    await run(
      conn,
      `select
        (select count(*) filter (where ${exclStatus}) from ${stage} where reason is null)::bigint as xs,
        (select count(*) filter (where not (${exclStatus}) and ${exclCustomer}) from ${stage} where reason is null)::bigint as xc,
        (select coalesce(sum(copies - 1), 0) from __li_kept)::bigint as dups,
        (select count(*) from __li_kept)::bigint as kept_rows,
        (select coalesce(sum(n), 0) from __li_groups)::bigint as grouped_rows,
        (select count(*) filter (where not ${netted}) from __li_groups)::bigint as kept_groups,
        (select coalesce(sum(n - 1) filter (where not ${netted}), 0) from __li_groups)::bigint as merged,
        (select coalesce(sum(n) filter (where ${netted}), 0) from __li_groups)::bigint as refunded`,
    )
  ).getRowObjectsJson()[0];
  await run(
    conn,
    "drop table if exists __li_kept; drop table if exists __li_negdays; drop table if exists __li_groups",
  );
  counts.rowsExcludedStatus = num(c.xs);
  counts.rowsExcludedCustomer = num(c.xc);
  counts.rowsDuplicate = num(c.dups);
  counts.rowsUsed = num(c.kept_rows) - num(c.grouped_rows) + num(c.kept_groups);
  counts.rowsMerged = num(c.merged);
  counts.rowsRefunded = num(c.refunded);
  return counts;
}
