import type { EventType } from '../events/types.ts';
import type { JourneyDefinition } from './schemas.ts';

/**
 * The seed brands' post-purchase programmes as ready-made journeys, one click to enable
 * (POST /api/v1/journeys/presets/{key}). Each becomes an ordinary, editable journey.
 */
export interface Preset {
  key: string;
  name: string;
  description: string;
  definition: (params: PresetParams) => JourneyDefinition;
}

export interface PresetParams {
  campaignTag?: string;
  campaignName?: string;
  from?: string;
  to?: string;
  percentOff?: number;
}

const shipped: EventType[] = ['order.shipped', 'order.partially_shipped'];
/** A customer who cancels or opens a return hears no more about this order's happy path. */
const RETURN_OR_CANCEL: EventType[] = ['order.cancelled', 'return.requested', 'return.needs_review'];
const entered = (status: string) => [
  { field: 'return.history' as const, op: 'contains' as const, value: status },
];

export const PRESETS: readonly Preset[] = [
  {
    key: 'five_step_expectations',
    name: 'Five-step expectations (Reserva)',
    description:
      'Confirmation, payment, shipped, delivered, then a product satisfaction survey a week later.',
    definition: () => ({
      trigger: { event: 'order.placed' },
      subject: 'order',
      conditions: [],
      steps: [
        { type: 'send', template: 'order_confirmation', channel: 'email' },
        { type: 'wait_for_event', event: 'order.paid' },
        { type: 'send', template: 'payment_confirmed', channel: 'email' },
        { type: 'wait_for_event', event: shipped },
        { type: 'send', template: 'order_shipped', channel: 'email' },
        { type: 'wait_for_event', event: 'order.delivered' },
        { type: 'send', template: 'delivered', channel: 'email' },
        { type: 'wait', for: { days: 7 } },
        { type: 'create_survey', kind: 'product' },
        { type: 'wait_quiet_hours' },
        { type: 'send', template: 'product_survey', channel: 'email' },
      ],
      exits: RETURN_OR_CANCEL,
    }),
  },
  {
    key: 'four_transactional',
    name: 'Four transactional emails (Passarela)',
    description: 'Purchase, payment, shipped and delivered confirmations.',
    definition: () => ({
      trigger: { event: 'order.placed' },
      subject: 'order',
      conditions: [],
      steps: [
        { type: 'send', template: 'order_confirmation', channel: 'email' },
        { type: 'wait_for_event', event: 'order.paid' },
        { type: 'send', template: 'payment_confirmed', channel: 'email' },
        { type: 'wait_for_event', event: shipped },
        { type: 'send', template: 'order_shipped', channel: 'email' },
        { type: 'wait_for_event', event: 'order.delivered' },
        { type: 'send', template: 'delivered', channel: 'email' },
      ],
      exits: ['order.cancelled'],
    }),
  },
  {
    key: 'thermometer_and_care',
    name: 'Thermometer and care tips (Bibi)',
    description:
      'First, rate the purchase 1-5 (2 or less opens a follow-up task); after delivery, care and usage tips.',
    definition: () => ({
      trigger: { event: 'order.placed' },
      subject: 'order',
      conditions: [],
      steps: [
        { type: 'wait', for: { hours: 1 } },
        { type: 'create_survey', kind: 'thermometer', followUpAtOrBelow: 2 },
        { type: 'send', template: 'thermometer', channel: 'email' },
        { type: 'wait_for_event', event: 'order.delivered', after: { days: 3 } },
        { type: 'wait_quiet_hours' },
        { type: 'send', template: 'care_tips', channel: 'email' },
      ],
      exits: RETURN_OR_CANCEL,
    }),
  },
  {
    key: 'thank_you_voucher',
    name: 'Thank you and a gift voucher (Tok&Stok)',
    description: 'A day after delivery: a personal thank-you with a unique, single-use, expiring voucher.',
    definition: (p) => ({
      trigger: { event: 'order.delivered' },
      subject: 'order',
      conditions: [],
      steps: [
        { type: 'wait', for: { days: 1 } },
        { type: 'wait_quiet_hours' },
        { type: 'issue_voucher', percentOff: p.percentOff ?? 10, validDays: 60, prefix: 'THANKS' },
        { type: 'send', template: 'thank_you_voucher', channel: 'email' },
      ],
      exits: RETURN_OR_CANCEL,
    }),
  },
  {
    key: 'campaign_thank_you',
    name: 'Campaign thank-you (Walmart Black Friday)',
    description:
      'A personal thank-you to everyone who ordered with the campaign tag or in the campaign window.',
    definition: (p) => ({
      trigger: { event: 'order.placed' },
      subject: 'order',
      conditions:
        p.from && p.to
          ? [{ field: 'order.placed_at', op: 'between', value: [p.from, p.to] }]
          : [{ field: 'order.campaign_tags', op: 'contains', value: p.campaignTag ?? 'black-friday' }],
      steps: [
        { type: 'wait', for: { hours: 2 } },
        { type: 'wait_quiet_hours' },
        {
          type: 'send',
          template: 'campaign_thank_you',
          channel: 'email',
          campaign: p.campaignName ?? 'Black Friday',
        },
      ],
      exits: ['order.cancelled'],
    }),
  },
  {
    key: 'delivery_day',
    name: 'Delivery day',
    description: 'Out for delivery by email and SMS: the moment the parcel leaves for the door.',
    definition: () => ({
      trigger: { event: 'shipment.out_for_delivery' },
      subject: 'order',
      conditions: [],
      steps: [
        { type: 'send', template: 'out_for_delivery', channel: 'email' },
        { type: 'send', template: 'out_for_delivery', channel: 'sms' },
      ],
      exits: ['order.cancelled'],
    }),
  },
  {
    key: 'delivery_problems',
    name: 'Delivery problems',
    description:
      'Tell the customer first when a parcel is late, stalled or in trouble, with an apology and next steps.',
    definition: () => ({
      trigger: {
        event: ['shipment.delayed', 'shipment.stalled', 'shipment.exception', 'shipment.attempt_fail'],
      },
      subject: 'order',
      conditions: [],
      steps: [{ type: 'send', template: 'delivery_problem', channel: 'email' }],
      exits: ['order.cancelled'],
    }),
  },
  {
    key: 'returns_updates',
    name: 'Return updates',
    description:
      'Keeps the customer posted on a return: request received (or under review), approved with instructions or rejected with the reason, parcel received, and the refund, credit or exchange.',
    // One run per return. Branches test the statuses the return has entered, not the one it has now, so a
    // run that catches up late (several steps already happened) still sends each message that applies.
    definition: () => ({
      trigger: { event: ['return.requested', 'return.needs_review'] },
      subject: 'return',
      conditions: [],
      steps: [
        { type: 'send', template: 'return_received_request', channel: 'email' },
        { type: 'wait_for_event', event: ['return.approved', 'return.rejected'] },
        { type: 'send', template: 'return_rejected', channel: 'email', when: entered('rejected') },
        { type: 'send', template: 'return_approved', channel: 'email', when: entered('approved') },
        // A returnless refund goes from approved straight to resolved: no parcel to wait for.
        { type: 'wait_for_event', event: ['return.received', 'return.resolved'], when: entered('approved') },
        { type: 'send', template: 'return_received', channel: 'email', when: entered('received') },
        { type: 'wait_for_event', event: 'return.resolved', when: entered('approved') },
        { type: 'send', template: 'return_resolved', channel: 'email', when: entered('resolved') },
      ],
      exits: ['return.cancelled'],
    }),
  },
];

export function preset(key: string): Preset | undefined {
  return PRESETS.find((p) => p.key === key);
}
