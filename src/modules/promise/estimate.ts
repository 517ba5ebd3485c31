import {
  addBusinessDays,
  type BusinessCalendar,
  businessDaysBetween,
  type IsoDate,
  laterDate,
  nextBusinessDay,
  onOrAfterBusinessDay,
} from './calendar.ts';
import type { TransitRule } from './rules.ts';

/**
 * The delivery promise, as pure functions: no database, no clock. An order counts from the day it was
 * placed (or the next working day after the cut-off), leaves the warehouse after the processing days, and
 * arrives after a number of the carrier's business days at the destination. That number comes from
 * the lane's history of real deliveries, blended with wider lanes and, failing those, rules.
 *
 *   likely   = the middle of the transit distribution (minimises the absolute error in days)
 *   latest   = a high quantile, so that few parcels (target: at most 6%) arrive after it
 *   earliest = a low quantile
 */
export type PromiseMethod = 'history' | 'rules';

/** Transit business days (dispatch to delivery) of one lane's deliveries, newest first. */
export interface LaneHistory {
  lane: string;
  transitDays: readonly number[];
}

export interface PromisePolicy {
  earliestQuantile: number;
  likelyQuantile: number;
  latestQuantile: number;
  /**
   * How many deliveries a wider lane (or the rules) is worth when blended under a narrower one: a lane
   * with n deliveries gets weight n / (n + priorWeight), the rest goes to the next wider level.
   */
  priorWeight: number;
}

/**
 * Defaults for a live merchant. latest = the 94th percentile: on a lane whose history is current, at most
 * 6% of parcels arrive after it. likely = the median, which minimises the error in days. A lane with n
 * deliveries takes n / (n + 5) of the weight from its wider lanes (5 won over 20 in the evaluation).
 *
 * eval/edd.ts tunes these on Olist's training period and picks a lower latest quantile there (about 0.85)
 * and a likely quantile below the median: its histories are frozen months before the test orders, during
 * a slow spell, so a lower quantile of slow history matches the faster months that followed. That
 * compensates for a stale history, which a live merchant does not have, so it is not copied here.
 */
export const DEFAULT_POLICY: PromisePolicy = {
  earliestQuantile: 0.1,
  likelyQuantile: 0.5,
  latestQuantile: 0.94,
  priorWeight: 5,
};

export interface EstimateInput {
  orderedAt: Date;
  /** The merchant's time zone: the cut-off and the order's day are read there. */
  timeZone: string;
  /** Working days (origin calendar) from the order's day to handing the parcel to the carrier. */
  processingDays: number;
  /** 'HH:MM': orders at or after it count from the next working day. */
  cutoff: string;
  /** The warehouse: its working weekdays and its region's holidays. */
  origin: BusinessCalendar;
  /** The destination's holidays on the weekdays the carrier delivers. */
  destination: BusinessCalendar;
  /** Transit business days of this lane's deliveries, newest first. */
  history: readonly number[];
  lane: string;
  /** Wider lanes' histories, narrowest first (see widerLanes in lane.ts). */
  wider?: readonly LaneHistory[];
  /** What to promise when history is thin (see rules.ts). */
  rule: TransitRule;
  policy?: Partial<PromisePolicy>;
}

export interface TransitWindow {
  earliest: number;
  likely: number;
  latest: number;
}

export interface EstimateBasis {
  /** The day the order counts from: its own day before the cut-off on a working day, else the next one. */
  orderDay: IsoDate;
  dispatchDate: IsoDate;
  /** Transit business days after dispatch (after today, for a re-estimate of a parcel on its way). */
  transitDays: TransitWindow;
  lane: string;
  /** Deliveries on the exact lane that the estimate used. */
  sampleSize: number;
  levels: Array<{ lane: string; sampleSize: number; weight: number }>;
  rule: { name: string; weight: number };
  origin: string;
  destination: string;
  /** Re-estimates only: the parcel's status and business days since it shipped. */
  status?: string;
  elapsedDays?: number;
}

export interface DeliveryEstimate {
  earliest: IsoDate;
  likely: IsoDate;
  latest: IsoDate;
  /** 0..1: how much to trust the window — more deliveries and a narrower spread score higher. */
  confidence: number;
  method: PromiseMethod;
  basis: EstimateBasis;
}

// ---- when the parcel leaves ----

// One formatter per time zone, kept: a tracking batch reads the local day of thousands of deliveries, and
// Intl with a cached formatter is about three times faster than building a luxon DateTime each time.
const localFormats = new Map<string, Intl.DateTimeFormat>();
function localFormat(timeZone: string): Intl.DateTimeFormat {
  let format = localFormats.get(timeZone);
  if (!format) {
    try {
      format = new Intl.DateTimeFormat('en-CA', {
        timeZone,
        year: 'numeric',
        month: '2-digit',
        day: '2-digit',
        hour: '2-digit',
        minute: '2-digit',
        hourCycle: 'h23',
      });
    } catch {
      throw new Error(`Unknown time zone: ${timeZone}`);
    }
    localFormats.set(timeZone, format);
  }
  return format;
}

/** The local day and 'HH:MM' of an instant in a time zone. */
export function localDayAndTime(at: Date, timeZone: string): { day: IsoDate; time: string } {
  const parts: Record<string, string> = {};
  for (const p of localFormat(timeZone).formatToParts(at)) parts[p.type] = p.value;
  return { day: `${parts.year}-${parts.month}-${parts.day}`, time: `${parts.hour}:${parts.minute}` };
}

/** The day an order counts from: the day it was placed if that is a working day and before the cut-off. */
export function orderDay(opts: {
  orderedAt: Date;
  timeZone: string;
  cutoff: string;
  origin: BusinessCalendar;
}): IsoDate {
  const { day, time } = localDayAndTime(opts.orderedAt, opts.timeZone);
  return opts.origin.isBusinessDay(day) && time < opts.cutoff ? day : nextBusinessDay(opts.origin, day);
}

/** The day the parcel is handed to the carrier. */
export function dispatchDate(opts: {
  orderedAt: Date;
  timeZone: string;
  cutoff: string;
  processingDays: number;
  origin: BusinessCalendar;
}): IsoDate {
  return addBusinessDays(opts.origin, orderDay(opts), Math.max(0, opts.processingDays));
}

/** The delivery day `transitDays` carrier business days after `from` (0 = `from`, or the next delivery day). */
export function deliveryDate(destination: BusinessCalendar, from: IsoDate, transitDays: number): IsoDate {
  return transitDays <= 0
    ? onOrAfterBusinessDay(destination, from)
    : addBusinessDays(destination, from, transitDays);
}

// ---- how long it travels ----

/** The empirical quantile (inverse distribution): the smallest value with at least p of the sample at or below. */
export function quantile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) throw new Error('quantile of an empty sample');
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1));
  return sorted[i]!;
}

export interface BlendedTransit {
  /** Unrounded blended quantiles, in transit business days. */
  low: number;
  mid: number;
  high: number;
  levels: Array<{ lane: string; sampleSize: number; weight: number }>;
  ruleWeight: number;
}

/**
 * Blends the quantiles of the lane and its wider lanes, narrowest first, then the rule: each level takes
 * n / (n + priorWeight) of the weight still unassigned. A lane with 500 deliveries speaks for itself; one
 * with 5 borrows two thirds of its answer from the wider lanes.
 */
export function blendTransit(
  levels: readonly LaneHistory[],
  rule: TransitRule,
  policy: PromisePolicy,
): BlendedTransit {
  let remaining = 1;
  let low = 0;
  let mid = 0;
  let high = 0;
  const used: BlendedTransit['levels'] = [];
  for (const level of levels) {
    const n = level.transitDays.length;
    if (n === 0) {
      used.push({ lane: level.lane, sampleSize: 0, weight: 0 });
      continue;
    }
    const weight = (remaining * n) / (n + policy.priorWeight);
    const sorted = sortedCopy(level.transitDays);
    low += weight * quantile(sorted, policy.earliestQuantile);
    mid += weight * quantile(sorted, policy.likelyQuantile);
    high += weight * quantile(sorted, policy.latestQuantile);
    used.push({ lane: level.lane, sampleSize: n, weight: round3(weight) });
    remaining -= weight;
  }
  low += remaining * rule.low;
  mid += remaining * rule.mid;
  high += remaining * rule.high;
  return { low, mid, high, levels: used, ruleWeight: round3(remaining) };
}

// Callers that estimate many orders against the same loaded histories (the evaluation, a batch re-estimate)
// pass the same arrays again and again: sort each once. Keyed weakly by the array, so it never holds memory.
const sortedCache = new WeakMap<readonly number[], readonly number[]>();
function sortedCopy(values: readonly number[]): readonly number[] {
  let sorted = sortedCache.get(values);
  if (!sorted) {
    sorted = [...values].sort((a, b) => a - b);
    sortedCache.set(values, sorted);
  }
  return sorted;
}

/**
 * Whole days: the early end rounds down, the late end up (a promise errs towards being kept). A blend
 * less than a tenth of a day past a whole day does not round: that is the residue of a wider lane or
 * the rules holding a few percent of the weight, not a reason to promise a day later.
 */
function windowOf(blend: BlendedTransit): TransitWindow {
  const eps = 0.1;
  const likely = Math.max(0, Math.round(blend.mid));
  return {
    earliest: Math.min(likely, Math.max(0, Math.floor(blend.low + eps))),
    likely,
    latest: Math.max(likely, Math.ceil(blend.high - eps)),
  };
}

/**
 * A score for display and for choosing between sources, not a probability: mostly how much of the answer
 * came from history (and from the exact lane rather than wider ones), discounted by the window's width.
 */
function confidenceOf(blend: BlendedTransit, window: TransitWindow): number {
  const exact = blend.levels[0]?.weight ?? 0;
  const wider = 1 - blend.ruleWeight - exact;
  const support = 0.3 + 0.65 * (exact + 0.75 * wider);
  const spread = 1 / (1 + 0.05 * Math.max(0, window.latest - window.earliest));
  return round2(Math.min(0.99, Math.max(0.05, support * spread)));
}

function methodOf(blend: BlendedTransit): PromiseMethod {
  return blend.ruleWeight <= 0.5 ? 'history' : 'rules';
}

function policyOf(input: { policy?: Partial<PromisePolicy> }): PromisePolicy {
  return { ...DEFAULT_POLICY, ...input.policy };
}

function levelsOf(input: EstimateInput): LaneHistory[] {
  return [{ lane: input.lane, transitDays: input.history }, ...(input.wider ?? [])];
}

/** The promise at checkout. */
export function estimateDelivery(input: EstimateInput): DeliveryEstimate {
  const day = orderDay(input);
  const dispatch = addBusinessDays(input.origin, day, Math.max(0, input.processingDays));
  return fromBlend(input, blendTransit(levelsOf(input), input.rule, policyOf(input)), dispatch, {
    orderDay: day,
    dispatchDate: dispatch,
  });
}

function fromBlend(
  input: EstimateInput,
  blend: BlendedTransit,
  from: IsoDate,
  extra: Pick<EstimateBasis, 'orderDay' | 'dispatchDate' | 'status' | 'elapsedDays'>,
): DeliveryEstimate {
  const transit = windowOf(blend);
  return {
    earliest: deliveryDate(input.destination, from, transit.earliest),
    likely: deliveryDate(input.destination, from, transit.likely),
    latest: deliveryDate(input.destination, from, transit.latest),
    confidence: confidenceOf(blend, transit),
    method: methodOf(blend),
    basis: {
      ...extra,
      transitDays: transit,
      lane: input.lane,
      sampleSize: input.history.length,
      levels: blend.levels,
      rule: { name: input.rule.name, weight: blend.ruleWeight },
      origin: input.origin.id,
      destination: input.destination.id,
    },
  };
}

// ---- as scans arrive ----

export interface ReestimateInput extends EstimateInput {
  /** The shipment's canonical status (shipments/status.ts). */
  status: string;
  now: Date;
  /** When the carrier got the parcel; null while it has not shipped. */
  shippedAt: Date | null;
}

/**
 * The estimate for a parcel on its way, refreshed at each scan. Out for delivery (or waiting at a pickup
 * point): today. In transit: the lane's deliveries that took at least as long as this parcel has already
 * travelled, minus the days elapsed — a parcel that is slow so far is likely to be slow. Not shipped yet:
 * the checkout estimate, moved later if the dispatch day has passed. Null once delivered or over.
 */
export function reestimate(input: ReestimateInput): DeliveryEstimate | null {
  const { status } = input;
  if (status === 'delivered' || status === 'expired' || status === 'cancelled') return null;
  const policy = policyOf(input);
  const today = localDayAndTime(input.now, input.destination.timeZone ?? input.timeZone).day;

  if (status === 'out_for_delivery' || status === 'available_for_pickup') {
    const estimate = fromBlend(input, blendTransit(levelsOf(input), input.rule, policy), today, {
      orderDay: orderDay(input),
      dispatchDate: shipDay(input) ?? today,
      status,
    });
    return { ...estimate, earliest: today, likely: today, latest: today, confidence: 0.9 };
  }

  if (status === 'attempt_fail') {
    // Carriers try again on the next delivery day; a second failure usually means a pickup point.
    const next = nextBusinessDay(input.destination, today);
    const estimate = fromBlend(input, blendTransit(levelsOf(input), input.rule, policy), today, {
      orderDay: orderDay(input),
      dispatchDate: shipDay(input) ?? today,
      status,
    });
    return {
      ...estimate,
      earliest: next,
      likely: next,
      latest: addBusinessDays(input.destination, today, 3),
      confidence: 0.6,
    };
  }

  const shipped = shipDay(input);
  if (!shipped) {
    // Not with the carrier yet: it cannot leave before the next dispatch the warehouse can still make.
    const planned = dispatchDate(input);
    const possible = orderDay({ ...input, orderedAt: input.now });
    const dispatch = laterDate(planned, possible);
    return fromBlend(input, blendTransit(levelsOf(input), input.rule, policy), dispatch, {
      orderDay: orderDay(input),
      dispatchDate: dispatch,
      status,
    });
  }

  const elapsed = Math.max(0, businessDaysBetween(input.destination, shipped, today));
  const conditional = levelsOf(input).map((level) => ({
    lane: level.lane,
    transitDays: remainingAfter(level.transitDays, elapsed),
  }));
  const estimate = fromBlend(
    input,
    blendTransit(conditional, remainingRule(input.rule, elapsed), policy),
    today,
    { orderDay: orderDay(input), dispatchDate: shipped, status, elapsedDays: elapsed },
  );
  if (status !== 'exception') return estimate;
  // A customs hold or a carrier delay: the usual timings no longer hold, so widen the window.
  return {
    ...estimate,
    latest: addBusinessDays(input.destination, estimate.latest, 2),
    confidence: round2(estimate.confidence / 2),
  };
}

// A tracking batch re-estimates many parcels on the same lanes, most a day or two into their journey: the
// histories that remain after `elapsed` days are built (and then sorted) once per history and elapsed days.
const remainingCache = new WeakMap<readonly number[], Map<number, readonly number[]>>();
function remainingAfter(values: readonly number[], elapsed: number): readonly number[] {
  let byElapsed = remainingCache.get(values);
  if (!byElapsed) {
    byElapsed = new Map();
    remainingCache.set(values, byElapsed);
  }
  let remaining = byElapsed.get(elapsed);
  if (!remaining) {
    remaining = values.filter((d) => d >= elapsed).map((d) => d - elapsed);
    byElapsed.set(elapsed, remaining);
  }
  return remaining;
}

function shipDay(input: ReestimateInput): IsoDate | null {
  return input.shippedAt ? localDayAndTime(input.shippedAt, input.timeZone).day : null;
}

/** The rule for what is left after `elapsed` days; past its high end, soon but not certainly today. */
function remainingRule(rule: TransitRule, elapsed: number): TransitRule {
  if (elapsed >= rule.high) return { name: `${rule.name}:overdue`, low: 0, mid: 1, high: 3 };
  return {
    name: rule.name,
    low: Math.max(0, rule.low - elapsed),
    mid: Math.max(0, rule.mid - elapsed),
    high: rule.high - elapsed,
  };
}

function round2(x: number): number {
  return Math.round(x * 100) / 100;
}
function round3(x: number): number {
  return Math.round(x * 1000) / 1000;
}
