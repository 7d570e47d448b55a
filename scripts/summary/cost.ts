/**
 * Estimated fixed monthly cost of a stack from the public list prices in
 * `pricing/aws-list-prices.json`: things billed per month whether or not anything happens (KMS
 * keys, alarms). Usage-priced services are listed with their unit price, not guessed.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { resourcesOf, type Item, type Stack } from "./synth-output";

export interface FixedPrice {
  readonly label: string;
  readonly unit: string;
  readonly monthly: number;
  readonly source: string;
  readonly note?: string;
}

export interface UsagePrice {
  readonly label: string;
  readonly price: string;
  readonly source: string;
}

export interface PriceTable {
  readonly currency: string;
  readonly region: string;
  readonly retrieved: string;
  /** Keyed by resource type, or `type:variant` (e.g. high-resolution alarms). */
  readonly fixed: Readonly<Record<string, FixedPrice>>;
  readonly usage: Readonly<Record<string, UsagePrice>>;
}

export const PRICE_FILE = join(__dirname, "..", "..", "pricing", "aws-list-prices.json");

export function loadPriceTable(path = PRICE_FILE): PriceTable {
  return JSON.parse(readFileSync(path, "utf8")) as PriceTable;
}

export interface CostLine {
  readonly key: string;
  readonly label: string;
  readonly quantity: number;
  readonly unit: string;
  readonly unitPrice: number;
  /** quantity x unitPrice, rounded to cents. */
  readonly monthly: number;
  readonly source: string;
  readonly note?: string;
}

export interface CostEstimate {
  readonly lines: readonly CostLine[];
  readonly total: number;
  readonly usage: ReadonlyArray<UsagePrice & { readonly key: string; readonly count: number }>;
  readonly table: PriceTable;
}

const cents = (n: number) => Math.round(n * 100) / 100;

/** The price key of one resource: alarms under 60 s are high resolution, metric-math alarms bill per metric. */
function pricedUnits(item: Item): Array<[string, number]> {
  if (item.type === "aws_cloudwatch_metric_alarm") {
    const queries = Array.isArray(item.body.metric_query) ? (item.body.metric_query as Array<Record<string, unknown>>) : [];
    const metrics = queries.length ? queries.filter((q) => q.metric).length : 1;
    const periods = queries.length
      ? queries.map((q) => Number((q.metric as Record<string, unknown> | undefined)?.period ?? 60))
      : [Number(item.body.period ?? 60)];
    return [[Math.min(...periods) < 60 ? `${item.type}:high-resolution` : item.type, metrics]];
  }
  return [[item.type, 1]];
}

export function estimateCost(stack: Stack, table: PriceTable): CostEstimate {
  const quantities = new Map<string, number>();
  for (const item of stack.items) {
    if (item.kind !== "resource") continue;
    for (const [key, n] of pricedUnits(item)) if (table.fixed[key]) quantities.set(key, (quantities.get(key) ?? 0) + n);
  }
  const lines = Object.keys(table.fixed)
    .filter((key) => quantities.has(key))
    .map((key) => {
      const p = table.fixed[key];
      const quantity = quantities.get(key)!;
      return {
        key,
        label: p.label,
        quantity,
        unit: p.unit,
        unitPrice: p.monthly,
        monthly: cents(quantity * p.monthly),
        source: p.source,
        note: p.note,
      };
    });
  const usage = Object.entries(table.usage)
    .map(([key, p]) => ({ ...p, key, count: resourcesOf(stack, key).length }))
    .filter((u) => u.count > 0);
  return { lines, total: cents(lines.reduce((sum, l) => sum + l.monthly, 0)), usage, table };
}
