export { isValidLocalDate } from "./calendar";
export { daysInRange, utcBounds, type LocalDateRange } from "./range";
export { INTERVALS, isInterval, periodOf, periodsInRange, type Interval, type Period } from "./periods";
export { localTimeSql, periodKeySql } from "./sql";
export { formatOffset, isValidTimeZone, offsetSegments, utcOffsetMinutes, type OffsetSegment } from "./zone";
