import {
  bitmapBytes,
  fromSorted,
  RoaringBitmap32,
  unionAll,
  type ReadonlyRoaringBitmap32,
} from '../shared/bitmap.ts';
import { inInterval, type Interval } from './predicate.ts';

// Numeric (and date) columns with a range index. A JS loop over 10M values was measured at 35-90 ms on the target
// machine, far from the few-ms budget, so ranges are answered from precomputed bitmaps instead:
//
// - fine bins: customers split by value into up to ~512 equal-frequency bins (value ranges disjoint and ordered).
//   A value holding a large share of customers (age 35, balance 0) gets a bin of its own, so it is never split.
// - cumulative bitmaps: at ~32 cuts spread by customer count, the union of all bins below the cut. The bulk of a
//   range is one andNot of two cumulative bitmaps; whole bins near the ends are added to it or removed from it
//   (whichever touches fewer customers); only the (at most two) bins a bound falls inside are filtered by value.
// - each bin keeps its members' values as float32 in member order: filtering a cut bin reads them sequentially.
//   Reading the float64 column by ordinal instead is a cache miss per customer (measured 4 ms for 20k customers).
//   float32 rounding is monotonic, so only values whose float32 equals a bound's need the exact float64 check.
//
// Memory per fully populated column at 10M customers: values 80 MB + float32 copies 40 MB + bitmaps ~60 MB.

export interface NumericColumnOptions {
  /** Target number of fine bins (default: one per 4096 customers with a value, at most 512). */
  readonly fineBins?: number;
  /** Target number of cumulative bitmaps (default 32). */
  readonly cumulative?: number;
  /** Cost of one andNot of cumulative bitmaps, in customers of fix-up work (default 1/64 of the column, ≥ 1024). */
  readonly coreCost?: number;
}

interface Bin {
  readonly bitmap: RoaringBitmap32;
  /** The members' values as float32, in ascending ordinal order (the bitmap's order). */
  readonly values32: Float32Array;
  readonly min: number;
  readonly max: number;
}

const SAMPLE_SIZE = 65_536;
const EMPTY = new RoaringBitmap32().freeze();

/** A number or date (day number) column: Float64Array values with NaN for null, and a binned bitmap index. */
export class NumericColumn {
  readonly values: Float64Array;
  readonly nonNull: ReadonlyRoaringBitmap32;
  readonly #bins: readonly Bin[];
  /** #prefix[j] = customers in bins below j. */
  readonly #prefix: Float64Array;
  /** Bin indices of the cuts, ascending from 0 to the number of bins. */
  readonly #cuts: readonly number[];
  /** #cumulative[k] = union of the bins below #cuts[k]. */
  readonly #cumulative: readonly ReadonlyRoaringBitmap32[];
  /** What an andNot of two cumulative bitmaps costs, in customers of fix-up work (a dense op over every chunk). */
  readonly #coreCost: number;

  private constructor(values: Float64Array, bins: Bin[], options: NumericColumnOptions) {
    const cumulativeTarget = Math.max(1, options.cumulative ?? 32);
    this.values = values;
    this.#bins = bins;
    const prefix = new Float64Array(bins.length + 1);
    bins.forEach((b, j) => (prefix[j + 1] = prefix[j]! + b.bitmap.size));
    this.#prefix = prefix;
    const total = prefix[bins.length]!;
    const cuts = [0];
    for (let k = 1, j = 0; k < cumulativeTarget; k++) {
      while (j < bins.length && prefix[j]! < (k * total) / cumulativeTarget) j++;
      if (j > cuts[cuts.length - 1]! && j < bins.length) cuts.push(j);
    }
    if (bins.length > 0) cuts.push(bins.length);
    this.#cuts = cuts;
    const cumulative: ReadonlyRoaringBitmap32[] = [EMPTY];
    for (let k = 1; k < cuts.length; k++) {
      const added = bins.slice(cuts[k - 1], cuts[k]).map((b) => b.bitmap);
      cumulative.push(unionAll([cumulative[k - 1]!, ...added]).freeze());
    }
    this.#cumulative = cumulative;
    this.nonNull = cumulative[cumulative.length - 1]!;
    this.#coreCost = options.coreCost ?? Math.max(1024, total / 64);
  }

  /** Indexes the values (by ordinal; NaN = null). The array is kept, not copied: do not change it afterwards. */
  static build(values: Float64Array, options: NumericColumnOptions = {}): NumericColumn {
    let count = 0;
    for (let i = 1; i < values.length; i++) if (values[i] === values[i]) count++;
    const target = Math.max(1, Math.min(options.fineBins ?? Math.min(512, Math.ceil(count / 4096)), 16_384));
    const bounds = binBounds(values, count, target);
    // Bin of each ordinal: the number of bounds ≤ its value. Counting sort then keeps ordinals ascending per bin.
    const binOf = new Uint32Array(values.length);
    const sizes = new Uint32Array(bounds.length + 1);
    for (let i = 1; i < values.length; i++) {
      const v = values[i]!;
      if (v !== v) continue;
      let lo = 0;
      let hi = bounds.length;
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        if (bounds[mid]! <= v) lo = mid + 1;
        else hi = mid;
      }
      binOf[i] = lo;
      sizes[lo]!++;
    }
    const starts = new Uint32Array(sizes.length + 1);
    for (let j = 0; j < sizes.length; j++) starts[j + 1] = starts[j]! + sizes[j]!;
    const cursor = starts.slice(0, sizes.length);
    const sorted = new Uint32Array(count);
    const sorted32 = new Float32Array(count);
    const mins = new Float64Array(sizes.length).fill(Infinity);
    const maxs = new Float64Array(sizes.length).fill(-Infinity);
    for (let i = 1; i < values.length; i++) {
      const v = values[i]!;
      if (v !== v) continue;
      const b = binOf[i]!;
      const at = cursor[b]!++;
      sorted[at] = i;
      sorted32[at] = v;
      if (v < mins[b]!) mins[b] = v;
      if (v > maxs[b]!) maxs[b] = v;
    }
    const bins: Bin[] = [];
    for (let j = 0; j < sizes.length; j++) {
      if (sizes[j] === 0) continue;
      const [from, to] = [starts[j]!, starts[j + 1]!];
      bins.push({
        bitmap: fromSorted(sorted.subarray(from, to)).freeze(),
        values32: sorted32.subarray(from, to),
        min: mins[j]!,
        max: maxs[j]!,
      });
    }
    return new NumericColumn(values, bins, options);
  }

  /** Customers whose value lies in any of the intervals; may be a frozen bitmap of the column. */
  select(intervals: readonly Interval[]): ReadonlyRoaringBitmap32 {
    if (intervals.length === 1) return this.#range(intervals[0]!);
    const parts = intervals.map((i) => this.#range(i));
    const union = unionAll(parts);
    for (const p of parts) if (!p.isFrozen) (p as RoaringBitmap32).dispose(); // see Run.release in evaluate.ts
    return union;
  }

  /** An upper bound of `select(intervals).size`, without building it. */
  estimate(intervals: readonly Interval[]): number {
    let total = 0;
    for (const interval of intervals) {
      const [first, last] = this.#overlapping(interval);
      if (first <= last) total += this.#prefix[last + 1]! - this.#prefix[first]!;
    }
    return Math.min(total, this.nonNull.size);
  }

  /** True when the customer's value lies in any of the intervals (a random read: for small candidate sets). */
  test(ordinal: number, intervals: readonly Interval[]): boolean {
    const v = this.values[ordinal];
    if (v === undefined || v !== v) return false;
    for (const interval of intervals) if (inInterval(v, interval)) return true;
    return false;
  }

  /** Bytes of the value arrays and of the bitmaps. */
  memory(): { columnBytes: number; bitmapBytes: number } {
    let bytes = 0;
    let copies = 0;
    for (const b of this.#bins) {
      bytes += bitmapBytes(b.bitmap);
      copies += b.values32.byteLength;
    }
    for (const c of this.#cumulative) bytes += bitmapBytes(c);
    return { columnBytes: this.values.byteLength + copies, bitmapBytes: bytes };
  }

  /** Shape of the range index, for diagnostics: fine bins, customers in the largest, cumulative bitmaps. */
  stats(): { bins: number; largestBin: number; cumulative: number } {
    const largest = this.#bins.reduce((m, b) => Math.max(m, b.bitmap.size), 0);
    return { bins: this.#bins.length, largestBin: largest, cumulative: this.#cumulative.length - 1 };
  }

  /** The bins whose value ranges meet the interval, as [first, last] (first > last when none). */
  #overlapping(i: Interval): [number, number] {
    const bins = this.#bins;
    // first bin not entirely below the interval; last bin not entirely above it (bins are ordered by value)
    let lo = 0;
    let hi = bins.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const max = bins[mid]!.max;
      if (max < i.lo || (max === i.lo && !i.loInclusive)) lo = mid + 1;
      else hi = mid;
    }
    const first = lo;
    hi = bins.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const min = bins[mid]!.min;
      if (min < i.hi || (min === i.hi && i.hiInclusive)) lo = mid + 1;
      else hi = mid;
    }
    return [first, lo - 1];
  }

  #range(interval: Interval): ReadonlyRoaringBitmap32 {
    const bins = this.#bins;
    let [first, last] = this.#overlapping(interval);
    if (first > last) return EMPTY;
    const whole = (b: Bin) => inInterval(b.min, interval) && inInterval(b.max, interval);
    // Only the end bins can be cut by a bound; filter those by value.
    const cut: RoaringBitmap32[] = [];
    if (!whole(bins[first]!)) cut.push(this.#filterBin(bins[first++]!, interval));
    if (last >= first && !whole(bins[last]!)) cut.push(this.#filterBin(bins[last--]!, interval));
    if (first > last) return cut.length === 1 ? cut[0]! : unionAndDispose([], cut);
    const [a, b] = [first, last + 1]; // whole bins [a, b)
    if (b - a === 1 && cut.length === 0) return bins[a]!.bitmap; // one whole bin, e.g. age = 35
    const plan = this.#cheapestCuts(a, b);
    if (!plan)
      return unionAndDispose(
        bins.slice(a, b).map((x) => x.bitmap),
        cut,
      );
    const [kl, ku] = plan;
    const [cl, cu] = [this.#cuts[kl]!, this.#cuts[ku]!];
    if (kl === 0 && cl === a && cu === b && cut.length === 0) return this.#cumulative[ku]!;
    const core =
      kl === 0
        ? (this.#cumulative[ku] as RoaringBitmap32).clone()
        : RoaringBitmap32.andNot(this.#cumulative[ku]!, this.#cumulative[kl]!);
    for (let j = cl; j < a; j++) core.andNotInPlace(bins[j]!.bitmap);
    for (let j = b; j < cu; j++) core.andNotInPlace(bins[j]!.bitmap);
    for (let j = a; j < cl; j++) core.orInPlace(bins[j]!.bitmap);
    for (let j = cu; j < b; j++) core.orInPlace(bins[j]!.bitmap);
    for (const c of cut) {
      core.orInPlace(c);
      c.dispose();
    }
    return core;
  }

  /**
   * The cuts [kl, ku] whose cumulative difference, fixed up with whole bins at both ends, is the cheapest way to get
   * bins [a, b); undefined when a plain union of those bins is cheaper.
   */
  #cheapestCuts(a: number, b: number): [number, number] | undefined {
    const cuts = this.#cuts;
    const p = this.#prefix;
    const around = (j: number): number[] => {
      let k = 0;
      while (k + 1 < cuts.length && cuts[k + 1]! <= j) k++;
      return cuts[k] === j || k + 1 >= cuts.length ? [k] : [k, k + 1];
    };
    let best: [number, number] | undefined;
    let bestCost = p[b]! - p[a]!;
    for (const kl of around(a)) {
      for (const ku of around(b)) {
        if (kl >= ku) continue;
        const cost = this.#coreCost + Math.abs(p[cuts[kl]!]! - p[a]!) + Math.abs(p[cuts[ku]!]! - p[b]!);
        if (cost < bestCost) [best, bestCost] = [[kl, ku], cost];
      }
    }
    return best;
  }

  #filterBin(bin: Bin, interval: Interval): RoaringBitmap32 {
    const members = bin.bitmap.toUint32Array();
    const values32 = bin.values32;
    const lo = Math.fround(interval.lo);
    const hi = Math.fround(interval.hi);
    let n = 0;
    for (let i = 0; i < members.length; i++) {
      const f = values32[i]!;
      // strictly between the rounded bounds: inside; beyond them: outside; equal to one: check the exact value
      if ((f > lo && f < hi) || ((f === lo || f === hi) && inInterval(this.values[members[i]!]!, interval))) {
        members[n++] = members[i]!;
      }
    }
    return fromSorted(members.subarray(0, n));
  }
}

/** The union of index bitmaps and of temporaries, freeing the temporaries (see Run.release in evaluate.ts). */
function unionAndDispose(
  kept: readonly ReadonlyRoaringBitmap32[],
  temporary: readonly RoaringBitmap32[],
): RoaringBitmap32 {
  const union = unionAll([...kept, ...temporary]);
  for (const t of temporary) t.dispose();
  return union;
}

/**
 * Ascending bin lower bounds from the quantiles of a sample of the values (all of them when few). A value seen at
 * two or more quantiles is frequent: it is followed by the next double up, so that it forms a bin of its own.
 */
function binBounds(values: Float64Array, count: number, target: number): Float64Array {
  if (count === 0 || target <= 1) return new Float64Array(0);
  const sample = new Float64Array(Math.min(count, SAMPLE_SIZE));
  if (count <= SAMPLE_SIZE) {
    let n = 0;
    for (let i = 1; i < values.length; i++) if (values[i] === values[i]) sample[n++] = values[i]!;
  } else {
    // evenly spaced non-null values: deterministic, and fine for quantiles since ordinals carry no value order
    const step = count / SAMPLE_SIZE;
    let seen = 0;
    let n = 0;
    for (let i = 1; i < values.length && n < SAMPLE_SIZE; i++) {
      if (values[i] !== values[i]) continue;
      if (seen >= n * step) sample[n++] = values[i]!;
      seen++;
    }
  }
  sample.sort();
  const bounds: number[] = [];
  let previous = NaN;
  for (let j = 1; j < target; j++) {
    const q = sample[Math.floor((j * sample.length) / target)]!;
    if (q === previous) {
      const up = nextUp(q);
      if (bounds[bounds.length - 1] !== up) bounds.push(up);
    } else if (!(q <= bounds[bounds.length - 1]!)) {
      bounds.push(q);
    }
    previous = q;
  }
  return Float64Array.from(bounds);
}

const scratch = new DataView(new ArrayBuffer(8));

/** The smallest double above v (v finite). */
export function nextUp(v: number): number {
  if (v === 0) return Number.MIN_VALUE;
  scratch.setFloat64(0, v);
  const bits = scratch.getBigUint64(0);
  scratch.setBigUint64(0, v > 0 ? bits + 1n : bits - 1n);
  return scratch.getFloat64(0);
}
