/**
 * Time for the whole project: zones and their transitions (found once per zone and cached),
 * calendar dates as day numbers, report periods and the SQL that keys rows by them.
 */
export { DAY_MS, HOUR_MS, MINUTE_MS, SECOND_MS } from "./constants";
export {
  firstOfMonth,
  firstOfNextMonth,
  formatLocalDate,
  isValidLocalDate,
  mondayOf,
  parseLocalDate,
} from "./day-numbers";
export { LocalCalendar } from "./local-calendar";
export {
  daysInRange,
  readRange,
  startOfLocalDay,
  utcBounds,
  type LocalDateRange,
  type ReportRange,
  type ReportWindow,
} from "./range";
export { INTERVALS, isInterval, periodOf, periodsInRange, type Interval, type Period } from "./periods";
export { localTimeSql, periodKeySql } from "./sql";
export { clearTransitionCache, type ZoneTransitions } from "./transitions";
export {
  assertTimeZone,
  formatOffset,
  isValidTimeZone,
  offsetSegments,
  utcOffsetMinutes,
  zoneTransitions,
  type OffsetSegment,
} from "./zone";
export { ceilToUtcMonth, startOfUtcMonth } from "./utc-months";
