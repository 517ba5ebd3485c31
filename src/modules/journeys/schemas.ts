import { z } from 'zod';
import { EVENT_TYPES } from '../events/types.ts';
import { TEMPLATES } from '../templates/catalog.ts';

/**
 * A journey as data: a trigger (a domain event), conditions to enter, steps (waits and actions, each with
 * optional `when` conditions) and exits (events that end it early). Validated here; the API and presets
 * both go through this schema, and every save is a new version.
 */
/** A domain event by name: a misspelt trigger, wait or exit would silently never fire, so it is refused. */
const eventName = z.enum(EVENT_TYPES);
const eventNames = z.union([eventName, z.array(eventName).min(1).max(10)]);

const field = z.enum([
  'order.channel',
  'order.total',
  'order.currency',
  'order.locale',
  'order.campaign_tags',
  'order.tags',
  'order.placed_at',
  'order.payment_status',
  'customer.orders_count',
  'customer.accepts_marketing',
  'customer.first_order',
  'return.status',
  'return.resolution',
  'return.history',
]);

export const conditionSchema = z
  .object({
    field,
    op: z.enum(['eq', 'neq', 'in', 'gte', 'lte', 'contains', 'between']),
    value: z.union([z.string(), z.number(), z.boolean(), z.array(z.union([z.string(), z.number()]))]),
  })
  .strict();
export type Condition = z.infer<typeof conditionSchema>;

const templateKey = z.enum(TEMPLATES.map((t) => t.key) as [string, ...string[]]);
const when = z.array(conditionSchema).max(20).optional();
const duration = z
  .object({
    days: z.number().min(0).max(365).optional(),
    hours: z.number().min(0).max(8760).optional(),
    minutes: z.number().min(0).max(525600).optional(),
  })
  .strict()
  .refine(
    (d) => (d.days ?? 0) + (d.hours ?? 0) + (d.minutes ?? 0) > 0,
    'a wait needs days, hours or minutes',
  );

export const stepSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('wait'), for: duration, when }).strict(),
  z
    .object({
      type: z.literal('wait_for_event'),
      event: eventNames,
      after: duration.optional().describe('A further delay after the event, e.g. 3 days after delivery.'),
      timeout: duration
        .optional()
        .describe('Give up (exit the journey) if the event has not happened by then.'),
      when,
    })
    .strict(),
  z.object({ type: z.literal('wait_business_hours'), when }).strict(),
  z.object({ type: z.literal('wait_quiet_hours'), when }).strict(),
  z
    .object({
      type: z.literal('send'),
      template: templateKey,
      channel: z.enum(['email', 'sms', 'whatsapp']).default('email'),
      campaign: z.string().max(100).optional().describe('The campaign name a campaign thank-you mentions.'),
      when,
    })
    .strict(),
  z
    .object({
      type: z.literal('issue_voucher'),
      percentOff: z.number().int().min(1).max(100).optional(),
      amount: z.number().int().min(1).optional().describe('Minor units in the order currency.'),
      validDays: z.number().int().min(1).max(730).default(60),
      prefix: z
        .string()
        .regex(/^[A-Z0-9]{2,12}$/)
        .default('THANKS'),
      when,
    })
    .strict()
    .refine(
      (s) => (s.percentOff === undefined) !== (s.amount === undefined),
      'give exactly one of percentOff or amount',
    ),
  z
    .object({
      type: z.literal('create_survey'),
      kind: z.enum(['thermometer', 'product', 'nps']),
      followUpAtOrBelow: z
        .number()
        .int()
        .min(1)
        .max(10)
        .optional()
        .describe('A score at or below this opens a task for operations.'),
      when,
    })
    .strict(),
  z.object({ type: z.literal('webhook'), event: z.string().min(1).max(100), when }).strict(),
]);
export type Step = z.infer<typeof stepSchema>;

export const journeyDefinitionSchema = z
  .object({
    trigger: z.object({ event: eventNames }).strict(),
    /** Who enters: per order (default), per customer (campaigns, win-back) or per return (RMA updates). */
    subject: z.enum(['order', 'customer', 'return']).default('order'),
    conditions: z.array(conditionSchema).max(20).default([]),
    steps: z.array(stepSchema).min(1).max(50),
    exits: z.array(eventName).max(20).default(['order.cancelled']),
  })
  .strict();
export type JourneyDefinition = z.infer<typeof journeyDefinitionSchema>;

export const journeyInputSchema = z
  .object({
    name: z.string().trim().min(1).max(200),
    active: z.boolean().default(true),
    definition: journeyDefinitionSchema,
  })
  .strict();
