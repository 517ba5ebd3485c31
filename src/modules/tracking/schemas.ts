import { z } from 'zod';
import { TRACKING_STATUSES } from './statuses.ts';

export const MAX_EVENTS_PER_BATCH = 10_000;

const pushedEventSchema = z
  .object({
    shipmentId: z.string().max(100).optional().describe('Our shipment id; or give trackingNumber.'),
    trackingNumber: z.string().trim().min(1).max(100).optional(),
    occurredAt: z.iso
      .datetime({ offset: true })
      .describe('When the scan happened (carrier time, with offset).'),
    status: z.enum(TRACKING_STATUSES as [string, ...string[]]).describe('Canonical status of this scan.'),
    subStatus: z.string().max(60).optional(),
    code: z.string().max(100).optional().describe("The carrier's own code, kept for support."),
    description: z.string().max(500).optional(),
    location: z.string().max(200).optional(),
    estimatedDelivery: z.iso.date().optional().describe("The carrier's current estimate, if any."),
  })
  .strict()
  .refine((e) => e.shipmentId || e.trackingNumber, {
    message: 'give shipmentId or trackingNumber',
    path: ['trackingNumber'],
  });

export const trackingEventsPushSchema = z
  .object({ events: z.array(pushedEventSchema).min(1).max(MAX_EVENTS_PER_BATCH) })
  .strict();
export type TrackingEventsPush = z.infer<typeof trackingEventsPushSchema>;

export const trackingEventsResultSchema = z.object({
  accepted: z.number().describe('Scans stored for the first time.'),
  duplicates: z.number().describe('Scans we already had; nothing changed.'),
  rejected: z
    .array(z.object({ index: z.number(), code: z.string(), message: z.string() }))
    .describe('Scans for parcels we do not know, by index in the request; nothing else was affected.'),
  moved: z.array(z.object({ shipmentId: z.string(), from: z.string(), to: z.string() })),
});

export const trackingEventSchema = z.object({
  occurredAt: z.string(),
  status: z.string(),
  subStatus: z.string().nullable(),
  code: z.string().nullable(),
  description: z.string().nullable(),
  location: z.string().nullable(),
  source: z.string(),
});

export const shipmentFlagSchema = z.enum(['late', 'stalled', 'exception', 'attempt_fail']);
