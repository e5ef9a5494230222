/** Transactions in: files → the `purchases` table, with a report and a quarantine. */

export { type ColumnMap, mapColumns, normalizeName, ROLE_ALIASES, type Role } from "./column-map.ts";
export { loadTransactionConfig, readIdList, type TransactionConfig, transactionConfigSchema } from "./config.ts";
export { type CurrencyRate, type CurrencyRates, parseCurrencyRates } from "./currency.ts";
export { type IngestionReport, type IngestOptions, ingestTransactions } from "./ingest.ts";
