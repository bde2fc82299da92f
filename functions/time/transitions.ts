import { DAY_MS } from "./constants";

/**
 * A zone's offset changes, found once per zone and process and kept: a report, an ingest or the
 * demo asks again for the same years and gets them without touching Intl. The zone is read in
 * fixed blocks of UTC time, each scanned the first time something needs it.
 *
 * A change point is an instant t whose offset differs from that of t - 1 ms. A block holds the
 * change points in [blockStart, blockEnd) and the offset just before blockStart.
 */
export interface ZoneTransitions {
  /** The offset (minutes to add to UTC) at `ms`. */
  offsetAt(ms: number): number;
  /** The change points t with fromMs < t < toMs, in order, with the offset from each on. */
  changesBetween(fromMs: number, toMs: number): Array<{ at: number; offsetMinutes: number }>;
}

/**
 * How far apart the scan samples the zone. Two transitions closer than this that cancel out
 * (A -> B -> A) would be missed; the closest pair in any zone from 1970 to 2040 is 7 days apart
 * (checked against a 3-hour scan of all of Intl's zones), so 6 days leaves a day to spare. A
 * 3-year report's first zone costs ~190 probes and ~6 bisections instead of ~1,100 probes.
 */
const SCAN_STEP_MS = 6 * DAY_MS;
/** 128 days a block: a 3-year report needs about 9 of them, an ingest batch one or two. */
const BLOCK_MS = 128 * DAY_MS;

interface Block {
  /** the offset at blockStart - 1 */
  before: number;
  /** change points in the block, ascending */
  at: number[];
  offsets: number[];
}

type OffsetAt = (ms: number) => number;

/**
 * Where to probe between `low` and `high`: a whole second while one lies strictly between them
 * (zones change offset on whole seconds: tzdata and ICU keep transitions in seconds), so a change
 * is found in ~20 probes instead of ~30; once `high` is the only whole second left, the
 * millisecond just before it, which settles a change there in one more probe. The bisection
 * stays exact for any instant: failing that, it goes on to the millisecond.
 */
function bisectionPoint(low: number, high: number): number {
  const mid = Math.floor((low + high) / 2);
  const second = Math.floor(mid / 1000) * 1000;
  if (second > low) return second;
  const above = Math.ceil((low + 1) / 1000) * 1000;
  if (above < high) return above;
  return high % 1000 === 0 && high - 1 > low ? high - 1 : mid;
}

/** The change points in [startMs, endMs), sampling every SCAN_STEP_MS and bisecting to the millisecond. */
function scanBlock(offsetAt: OffsetAt, startMs: number, endMs: number): Block {
  let from = startMs - 1;
  let current = offsetAt(from);
  const block: Block = { before: current, at: [], offsets: [] };
  while (from < endMs - 1) {
    const probe = Math.min(from + SCAN_STEP_MS, endMs - 1);
    const offset = offsetAt(probe);
    if (offset === current) {
      from = probe;
      continue;
    }
    // Invariant: offsetAt(low) === current, offsetAt(high) !== current.
    let low = from;
    let high = probe;
    while (high - low > 1) {
      const mid = bisectionPoint(low, high);
      if (offsetAt(mid) === current) low = mid;
      else high = mid;
    }
    current = offsetAt(high);
    block.at.push(high);
    block.offsets.push(current);
    from = high;
  }
  return block;
}

class CachedZone implements ZoneTransitions {
  private readonly blocks = new Map<number, Block>();

  constructor(private readonly probe: OffsetAt) {}

  private block(index: number): Block {
    let block = this.blocks.get(index);
    if (!block) this.blocks.set(index, (block = scanBlock(this.probe, index * BLOCK_MS, (index + 1) * BLOCK_MS)));
    return block;
  }

  offsetAt(ms: number): number {
    if (!Number.isFinite(ms)) throw new RangeError(`not an instant: ${ms}`);
    const block = this.block(Math.floor(ms / BLOCK_MS));
    // the last change point at or before ms (a block holds a handful)
    let i = block.at.length - 1;
    while (i >= 0 && block.at[i] > ms) i--;
    return i < 0 ? block.before : block.offsets[i];
  }

  changesBetween(fromMs: number, toMs: number): Array<{ at: number; offsetMinutes: number }> {
    if (!Number.isFinite(fromMs) || !Number.isFinite(toMs))
      throw new RangeError("changesBetween needs finite instants");
    const changes: Array<{ at: number; offsetMinutes: number }> = [];
    for (let index = Math.floor(fromMs / BLOCK_MS); index * BLOCK_MS < toMs; index++) {
      const block = this.block(index);
      for (let i = 0; i < block.at.length; i++) {
        if (block.at[i] > fromMs && block.at[i] < toMs)
          changes.push({ at: block.at[i], offsetMinutes: block.offsets[i] });
      }
    }
    return changes;
  }
}

const zones = new Map<string, CachedZone>();

/**
 * The zone's cached transitions; `key` names it (one per zone, e.g. lower-cased) and `probe`
 * reads its offset at an instant from the platform (Intl), used only to fill the cache.
 */
export function cachedTransitions(key: string, probe: OffsetAt): ZoneTransitions {
  let zone = zones.get(key);
  if (!zone) zones.set(key, (zone = new CachedZone(probe)));
  return zone;
}

/** Forgets every zone's transitions (benchmarks measure a cold process with it). */
export function clearTransitionCache(): void {
  zones.clear();
}
