import { MON_FRI, MON_SAT, type Weekday } from './calendar.ts';
import { carrierSlug } from './lane.ts';

/**
 * What we promise before a lane has history: transit business days (dispatch to delivery) at the low,
 * middle and high end, by carrier and service, domestic or international. Deliberately cautious —
 * a rule-based promise is shown with low confidence and replaced by learned times after a few dozen
 * deliveries.
 */
export interface TransitRule {
  /** Why this rule applies, for the promise's basis: 'correios:sedex', 'domestic:express', ... */
  name: string;
  low: number;
  mid: number;
  high: number;
}

const EXPRESS = /express|expresso|sedex|next.?day|overnight|priority|1.?day|2.?day|prime|urgent/i;

interface RuleRow {
  carrier?: string;
  service?: RegExp;
  international: boolean;
  rule: Omit<TransitRule, 'name'>;
  name: string;
}

// First match wins. Carrier rows carry what is known of the big national posts; the generic rows after
// them are the floor for everyone else.
const RULES: RuleRow[] = [
  { carrier: 'correios', service: /sedex/i, international: false, name: 'correios:sedex', rule: r(1, 2, 5) },
  { carrier: 'correios', international: false, name: 'correios:pac', rule: r(3, 6, 12) },
  { carrier: 'postnord', international: false, name: 'postnord', rule: r(1, 2, 4) },
  { carrier: 'correos', international: false, name: 'correos', rule: r(1, 3, 5) },
  { carrier: 'usps', service: EXPRESS, international: false, name: 'usps:priority', rule: r(1, 2, 4) },
  { carrier: 'usps', international: false, name: 'usps:ground', rule: r(2, 4, 7) },
  { service: EXPRESS, international: false, name: 'domestic:express', rule: r(1, 1, 3) },
  { international: false, name: 'domestic', rule: r(1, 3, 6) },
  { service: EXPRESS, international: true, name: 'international:express', rule: r(2, 4, 8) },
  { international: true, name: 'international', rule: r(4, 9, 20) },
];

function r(low: number, mid: number, high: number) {
  return { low, mid, high };
}

export function transitRule(opts: {
  carrier?: string | null;
  service?: string | null;
  international: boolean;
}): TransitRule {
  const carrier = carrierSlug(opts.carrier);
  const service = opts.service ?? '';
  const row =
    RULES.find(
      (x) =>
        x.international === opts.international &&
        (!x.carrier || x.carrier === carrier) &&
        (!x.service || x.service.test(service)),
    ) ?? RULES[RULES.length - 1]!;
  return { name: row.name, ...row.rule };
}

/**
 * The weekdays a carrier delivers on. Most deliver Monday to Friday; the US Postal Service and FedEx
 * (Home Delivery) also on Saturdays. A merchant can override per carrier in its shipping settings.
 */
const DELIVERY_DAYS: Record<string, readonly Weekday[]> = {
  usps: MON_SAT,
  fedex: MON_SAT,
  amazon: [1, 2, 3, 4, 5, 6, 7],
};

export function carrierDeliveryDays(
  carrier: string | null | undefined,
  overrides: Record<string, readonly Weekday[]> = {},
): readonly Weekday[] {
  const slug = carrierSlug(carrier);
  if (!slug) return MON_FRI;
  return overrides[slug] ?? DELIVERY_DAYS[slug] ?? MON_FRI;
}
