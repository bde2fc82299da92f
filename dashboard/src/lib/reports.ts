import type { DateRange } from "./ranges";

/** The reports' response bodies (openapi.json's SummaryReport, SalesReport, …), money as decimal strings. */
export type Money = string;

interface RangeReport {
  from: string;
  to: string;
  timezone: string;
}

export interface SalesFigures {
  orders: number;
  unitsSold: number;
  grossSales: Money;
  discounts: Money;
  returns: Money;
  netSales: Money;
  shipping: Money;
  taxes: Money;
  totalSales: Money;
  averageOrderValue: Money;
}

export interface SummaryReport extends RangeReport, SalesFigures {
  currency: string;
  customers: number;
  newCustomers: number;
  returningCustomers: number;
  returningCustomerRate: number;
}

export type Interval = "hour" | "day" | "week" | "month";

export interface SalesPeriod extends SalesFigures {
  /** 2026-03 (month), 2026-03-09 (day, or a week's Monday), 2026-03-08T01:00:00-05:00 (hour). */
  period: string;
  start: string;
  end: string;
}

export interface SalesReport extends RangeReport {
  currency: string;
  interval: Interval;
  periods: SalesPeriod[];
}

export interface ProductRow {
  productId: string;
  productName: string;
  category: string | null;
  orders: number;
  unitsSold: number;
  grossSales: Money;
  discounts: Money;
  returns: Money;
  netSales: Money;
}

export interface ProductsReport extends RangeReport {
  currency: string;
  sort: "netSales" | "unitsSold";
  category: string | null;
  products: ProductRow[];
}

export type FunnelStepName = "sessions" | "productViews" | "addToCart" | "checkout" | "converted";

export interface FunnelStep {
  step: FunnelStepName;
  sessions: number;
  rateFromPrevious: number;
  rateFromStart: number;
}

export interface FunnelReport extends RangeReport {
  sessions: number;
  sessionsConverted: number;
  conversionRate: number;
  steps: FunnelStep[];
}

export interface CohortPeriod {
  k: number;
  period: string;
  customers: number;
  share: number;
  netSales: Money;
}

export interface Cohort {
  cohort: string;
  size: number;
  periods: CohortPeriod[];
}

export interface CohortsReport extends RangeReport {
  currency: string;
  interval: "month" | "week";
  cohorts: Cohort[];
}

export interface RealtimeMinute {
  minute: string;
  orders: number;
  netSales: Money;
}

export interface RealtimeReport {
  asOf: string;
  currency: string;
  activeSessions: number;
  orders: number;
  netSales: Money;
  minutes: RealtimeMinute[];
}

export interface Reports {
  summary: SummaryReport;
  sales: SalesReport;
  products: ProductsReport;
  funnel: FunnelReport;
  cohorts: CohortsReport;
  realtime: RealtimeReport;
}

export type ReportName = keyof Reports;

/** Query parameters of a report request; undefined values are left out. */
export type ReportParams = Record<string, string | number | undefined>;

/** A range report's parameters: the range, and the zone when the reader picked one (else the API takes the store's). */
export function rangeParams(range: DateRange, zone: string | undefined, extra: ReportParams = {}): ReportParams {
  return { from: range.from, to: range.to, timezone: zone, ...extra };
}

export function queryString(params: ReportParams): string {
  const entries = Object.entries(params).filter((entry): entry is [string, string | number] => entry[1] !== undefined);
  const search = new URLSearchParams(entries.map(([name, value]) => [name, String(value)]));
  const text = search.toString();
  return text === "" ? "" : `?${text}`;
}

/** The file a CSV download is saved as: `sales-2026-03-01-to-2026-03-31.csv`, `realtime.csv`. */
export function csvFileName(report: ReportName, params: ReportParams): string {
  const range = params.from && params.to ? `-${params.from}-to-${params.to}` : "";
  return `${report}${range}.csv`;
}
