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
import type { DuckDBConnection } from "../duckdb.ts";
import { ROW_KEY, run } from "./stage.ts";

/** Row counts of the cleaning step; everything but `rowsRead` adds up to `rowsRead`. */
export interface CleanCounts {
  /** Data rows read (header and blank lines are not rows). */
  rowsRead: number;
  /** Rows that became a purchase of their own. */
  rowsUsed: number;
  /** Rows folded into another row's purchase (same order id, or refund netting on a day). */
  rowsMerged: number;
  /** Rows written to the quarantine. */
  rowsQuarantined: number;
  /** Rows dropped for an excluded status. */
  rowsExcludedStatus: number;
  /** Rows dropped for an excluded customer. */
  rowsExcludedCustomer: number;
  /** Duplicated export lines (identical in every column, with an order column present). */
  rowsDuplicate: number;
  /** Rows of purchases whose refunds bring the net amount to zero or below. */
  rowsRefunded: number;
  /** Quarantined rows per reason: parse_error, missing_customer, bad_date, bad_amount. */
  byReason: Record<string, number>;
  /** True when `purchases` was built with one row per customer and day (see CleanOptions.perDay). */
  perDay?: boolean;
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
  /**
   * Only a per-customer summary will be made: without an order column, build `purchases` with one row per customer
   * and purchase day (amount DECIMAL(18, 6), exactly what the summary would add up for that day) in the one
   * aggregation that nets refunds, instead of one row per purchase. Same counts, same summary, one pass less.
   */
  perDay?: boolean;
}

const num = (v: unknown) => Number(v ?? 0);

/**
 * Builds `purchases(customer_id VARCHAR, day INTEGER, amount DOUBLE)` from the staged rows in `stage`.
 * @param conn the connection holding `stage`
 * @param stage a table or view with the staging columns and `rid`, a unique row id
 * @returns the counts
 * @throws LoyalError E_CURRENCY when the kept rows have more than one currency
 */
export async function cleanStaged(conn: DuckDBConnection, stage: string, o: CleanOptions): Promise<CleanCounts> {
  // the exclusions were decided while staging (the `excl` column)
  const usableCond = "reason is null and excl is null";

  // every count the report needs that the input alone decides, in one scan of the staged rows
  const stats = (
    await run(
      conn,
      `select count(*)::bigint as n,
        count(*) filter (where reason is not null)::bigint as quarantined,
        count(*) filter (where excl = 'status')::bigint as xs,
        count(*) filter (where excl = 'customer')::bigint as xc,
        count(*) filter (where reason is null and amount < 0)::bigint as neg,
        count(*) filter (where ${usableCond} and order_id is null)::bigint as no_order
      from ${stage}`,
    )
  ).getRowObjectsJson()[0];
  const byReason: Record<string, number> = {};
  let rowsQuarantined = 0;
  if (num(stats.quarantined) > 0) {
    const reasons = await run(
      conn,
      `select reason, count(*)::bigint as n from ${stage} where reason is not null group by reason order by reason`,
    );
    for (const r of reasons.getRowObjectsJson()) {
      byReason[String(r.reason)] = num(r.n);
      rowsQuarantined += num(r.n);
    }
  }
  const counts: CleanCounts = {
    rowsRead: num(stats.n),
    rowsUsed: 0,
    rowsMerged: 0,
    rowsQuarantined,
    rowsExcludedStatus: num(stats.xs),
    rowsExcludedCustomer: num(stats.xc),
    rowsDuplicate: 0,
    rowsRefunded: 0,
    byReason,
  };

  if (o.currencyColumn !== undefined) {
    const cur = await run(
      conn,
      `select distinct upper(currency) as c from ${stage} where ${usableCond} and currency is not null order by c`,
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

  const usable = counts.rowsRead - rowsQuarantined - counts.rowsExcludedStatus - counts.rowsExcludedCustomer;
  if (!o.hasOrder && num(stats.neg) === 0) {
    // nothing to merge: every usable row is a purchase
    if (o.purchasesShaped && !o.excludeStatus.length && !o.excludeCustomers.length) {
      await run(
        conn,
        `drop view if exists ${stage}; drop table if exists purchases; alter table ${o.purchasesShaped} rename to purchases`,
      );
    } else {
      await run(
        conn,
        `create or replace table purchases as select customer as customer_id, day, amount from ${stage} where ${usableCond}`,
      );
    }
    counts.rowsUsed = usable;
    return counts;
  }

  if (!o.hasOrder && o.perDay) {
    // one aggregate per customer and day: a day with a refund is netted into one purchase (none when the net is
    // <= 0); the rows of any other day stay purchases of their own, which the summary adds up per day anyway (the
    // day's amount is the exact DECIMAL sum the summary would make)
    await run(
      conn,
      `create or replace table purchases as
        select customer as customer_id, day, count(*) as n, coalesce(min(amount) < 0, false) as has_neg,
          sum(amount::decimal(18, 6)) as amount
        from ${stage} where ${usableCond} group by customer, day`,
    );
    const c = (
      await run(
        conn,
        `select coalesce(sum(case when not has_neg then n when amount > 0 then 1 else 0 end), 0)::bigint as used,
          coalesce(sum(n - 1) filter (where has_neg and amount > 0), 0)::bigint as merged,
          coalesce(sum(n) filter (where has_neg and amount <= 0), 0)::bigint as refunded
        from purchases`,
      )
    ).getRowObjectsJson()[0];
    await run(
      conn,
      `delete from purchases where has_neg and amount <= 0;
       alter table purchases drop column n; alter table purchases drop column has_neg;`,
    );
    counts.rowsUsed = num(c.used);
    counts.rowsMerged = num(c.merged);
    counts.rowsRefunded = num(c.refunded);
    counts.perDay = true;
    return counts;
  }

  let rows = `select * from ${stage} where ${usableCond}`;
  if (o.hasOrder) {
    counts.rowsDuplicate = await markDuplicates(conn, rows);
    if (counts.rowsDuplicate > 0) rows = `select * from (${rows}) anti join __li_extra x using (rid)`;
  }
  // one aggregate: a customer's rows with one order id form a purchase; rows without an order id are grouped by
  // day, and such a day is netted into one purchase only when it has a refund (else its rows stay separate: list)
  const netted = "(has_neg and amount <= 1e-9)";
  const grouped = num(stats.no_order) === 0 ? "true" : "(order_id is not null or has_neg)";
  // day = the first day of the non-refund rows (else of all rows): one min over day, moved past every real day
  // number on refund rows; has_neg from the smallest amount
  const late = 1_000_000;
  const aggregates = `min(case when amount < 0 then day + ${late} else day end) as __d,
    sum(amount) as amount, count(*) as n, coalesce(min(amount) < 0, false) as has_neg`;
  const dayOf = `case when __d >= ${late / 2} then __d - ${late} else __d end`;
  await run(conn, "drop table if exists __li_groups");
  if (grouped === "true") {
    // every row has an order id: the aggregate becomes the purchases table (netted orders deleted, counts dropped)
    await run(
      conn,
      `create table __li_groups as select customer_id, (${dayOf})::integer as day, amount, n, has_neg from (
        select customer as customer_id, ${aggregates} from (${rows}) group by customer, order_id)`,
    );
  } else {
    await run(
      conn,
      `create temp table __li_groups as
        select customer, order_id, (${dayOf})::integer as day, amount, n, has_neg, amounts from (
          select customer, order_id, ${aggregates}, list(amount) filter (where order_id is null) as amounts
          from (${rows})
          group by customer, order_id, case when order_id is null then day end)`,
    );
  }
  const c = (
    await run(
      conn,
      `select count(*) filter (where ${grouped} and not ${netted})::bigint as kept_groups,
        coalesce(sum(n) filter (where not ${grouped}), 0)::bigint as single,
        coalesce(sum(n - 1) filter (where ${grouped} and not ${netted}), 0)::bigint as merged,
        coalesce(sum(n) filter (where ${grouped} and ${netted}), 0)::bigint as refunded
      from __li_groups`,
    )
  ).getRowObjectsJson()[0];
  if (grouped === "true") {
    await run(
      conn,
      `delete from __li_groups where ${netted};
       alter table __li_groups drop column n; alter table __li_groups drop column has_neg;
       drop table if exists purchases; alter table __li_groups rename to purchases;`,
    );
  } else {
    await run(
      conn,
      `create or replace table purchases as
        select customer as customer_id, day, amount from __li_groups where ${grouped} and not ${netted}
        union all
        select customer, day, unnest(amounts) from __li_groups where not ${grouped}`,
    );
  }
  await run(conn, "drop table if exists __li_groups; drop table if exists __li_extra");
  counts.rowsUsed = num(c.kept_groups) + num(c.single);
  counts.rowsMerged = num(c.merged);
  counts.rowsRefunded = num(c.refunded);
  return counts;
}

/**
 * Finds duplicated export lines among `rows` (identical in every column) without grouping every row by its whole
 * content: rows are first grouped by `h`, the hash of that content (one integer key), and only rows whose hash
 * occurs more than once (the duplicates, and any hash collision) are compared column by column. The extra copies'
 * `rid`s go to `__li_extra` (the first copy of each is kept).
 * @returns the number of extra copies
 */
async function markDuplicates(conn: DuckDBConnection, rows: string): Promise<number> {
  const r = await run(
    conn,
    `create or replace temp table __li_extra as
      select unnest(list(rid order by rid)[2:]) as rid
      from (${rows}) where h in (select h from (${rows}) group by h having count(*) > 1)
      group by ${ROW_KEY} having count(*) > 1;
     select count(*)::bigint as n from __li_extra`,
  );
  return num(r.getRowObjectsJson()[0].n);
}
