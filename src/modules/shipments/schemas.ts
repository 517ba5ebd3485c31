import { z } from 'zod';
import { SHIPMENT_STATUSES } from './status.ts';

export const shipmentCreateSchema = z
  .object({
    externalId: z
      .string()
      .min(1)
      .max(200)
      .optional()
      .describe('Your id for the parcel; the same id twice is one shipment.'),
    carrier: z.string().max(100).optional(),
    service: z.string().max(100).optional(),
    trackingNumber: z.string().trim().min(1).max(100).optional(),
    trackingUrl: z.url({ protocol: /^https?$/ }).optional(),
    status: z.enum(SHIPMENT_STATUSES as [string, ...string[]]).default('info_received'),
    lines: z
      .array(z.object({ lineId: z.string(), quantity: z.number().int().min(1) }).strict())
      .max(1000)
      .default([])
      .describe('Lines in this parcel; leave out to ship everything not yet shipped.'),
    shippedAt: z.iso.datetime({ offset: true }).optional(),
  })
  .strict();

export const shipmentSchema = z.object({
  id: z.string(),
  orderId: z.string(),
  source: z.string(),
  externalId: z.string(),
  carrier: z.string().nullable(),
  service: z.string().nullable(),
  trackingNumber: z.string().nullable(),
  trackingUrl: z.string().nullable(),
  status: z.string(),
  subStatus: z.string().nullable(),
  statusAt: z.string().nullable().describe('Carrier time of the scan that set the status.'),
  lastScanAt: z.string().nullable(),
  lastLocation: z.string().nullable(),
  shippedAt: z.string().nullable(),
  outForDeliveryAt: z.string().nullable(),
  deliveredAt: z.string().nullable(),
  estimate: z
    .object({ earliest: z.string().nullable(), latest: z.string().nullable() })
    .describe('The current delivery estimate, refreshed as scans arrive.'),
  promise: z
    .object({
      kept: z.boolean().nullable(),
      daysVsPromise: z
        .number()
        .nullable()
        .describe('Delivered date minus the latest promised date: negative is early.'),
      transitDays: z.number().nullable(),
    })
    .describe('Filled when the parcel is delivered.'),
  flags: z.array(z.string()).describe('Watchlist flags: late, stalled, exception, attempt_fail.'),
  lines: z.array(z.object({ lineId: z.string(), quantity: z.number() })),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type ShipmentView = z.infer<typeof shipmentSchema>;
