import { sql } from 'kysely';
import { z } from 'zod';
import { withTransaction } from '../../db/pool.ts';
import type { AppDeps } from '../../http/deps.ts';
import { type ApiRoute, apiRoute } from '../../http/route.ts';
import { decodeCursor, encodeCursor } from '../../lib/cursor.ts';
import { NotFoundError } from '../../lib/errors.ts';
import { findShipment, listShipmentLines, type ShipmentRow } from '../shipments/repo.ts';
import { shipmentSchema } from '../shipments/schemas.ts';
import { toShipmentView } from '../shipments/view.ts';
import { applyTrackingUpdates, type TrackingUpdate } from './apply-updates.ts';
import { listTrackingEvents } from './repo.ts';
import {
  MAX_EVENTS_PER_BATCH,
  shipmentFlagSchema,
  trackingEventSchema,
  trackingEventsPushSchema,
  trackingEventsResultSchema,
} from './schemas.ts';
import type { TrackingStatus } from './statuses.ts';

export function trackingRoutes({ db }: AppDeps): ApiRoute[] {
  return [
    apiRoute({
      method: 'POST',
      url: '/api/v1/tracking-events',
      operationId: 'pushTrackingEvents',
      summary: 'Push carrier scans in bulk (merchants, 3PLs): idempotent per scan, ordered by scan time',
      description:
        `Up to ${MAX_EVENTS_PER_BATCH} scans per request, stored in one transaction. A scan already stored is ` +
        'counted as a duplicate; a scan older than the current status fills the timeline but never moves it back. ' +
        'Scans for unknown parcels are listed in `rejected` and the rest are stored.',
      tag: 'Tracking',
      body: trackingEventsPushSchema,
      bodyLimit: 16 * 1024 * 1024,
      response: { schema: trackingEventsResultSchema },
      handler: async ({ merchantId, body }) => {
        // One update per scan keeps the index of each scan for the rejection list.
        const updates: TrackingUpdate[] = body.events.map((e) => ({
          shipmentId: e.shipmentId ?? null,
          trackingNumber: e.trackingNumber ?? null,
          estimatedDelivery: e.estimatedDelivery ?? null,
          events: [
            {
              occurredAt: new Date(e.occurredAt),
              status: e.status as TrackingStatus,
              subStatus: e.subStatus ?? null,
              rawCode: e.code ?? null,
              description: e.description ?? null,
              location: e.location ?? null,
              sourceId: null,
            },
          ],
        }));
        const result = await withTransaction(db, (tx) =>
          applyTrackingUpdates({ tx, merchantId, source: 'api', updates }),
        );
        return {
          accepted: result.accepted,
          duplicates: result.duplicates,
          rejected: result.unknown.map((u) => ({
            index: u.index,
            code: 'unknown_shipment',
            message: `No shipment ${u.shipmentId ?? `with tracking number ${u.trackingNumber}`} in this store.`,
          })),
          moved: result.moved,
        };
      },
    }),
    apiRoute({
      method: 'GET',
      url: '/api/v1/shipments/:id/events',
      operationId: 'listShipmentTrackingEvents',
      summary: "A shipment's carrier scans, newest first",
      tag: 'Tracking',
      params: z.object({ id: z.string() }),
      response: { schema: z.object({ data: z.array(trackingEventSchema) }) },
      handler: async ({ merchantId, params }) => {
        const s = await findShipment(db, merchantId, params.id);
        if (!s) throw new NotFoundError('Shipment', { id: params.id });
        const events = await listTrackingEvents(db, merchantId, [s.id]);
        return {
          data: events.map((e) => ({
            occurredAt: e.occurred_at.toISOString(),
            status: e.status,
            subStatus: e.sub_status,
            code: e.raw_code,
            description: e.description,
            location: e.location,
            source: e.source,
          })),
        };
      },
    }),
    apiRoute({
      method: 'GET',
      url: '/api/v1/shipments',
      operationId: 'listShipments',
      summary: 'Shipments, newest first; `flag` lists the watchlist (late, stalled, exception, attempt_fail)',
      tag: 'Tracking',
      query: z
        .object({
          flag: shipmentFlagSchema.optional(),
          status: z.string().max(40).optional(),
          limit: z.coerce.number().int().min(1).max(200).default(50),
          cursor: z.string().max(500).optional(),
        })
        .strict(),
      response: { schema: z.object({ data: z.array(shipmentSchema), nextCursor: z.string().nullable() }) },
      handler: async ({ merchantId, query }) => {
        const after = query.cursor ? decodeCursor(query.cursor) : null;
        const { rows } = await sql<ShipmentRow>`
          SELECT * FROM shipments
          WHERE merchant_id = ${merchantId}
            ${query.flag ? sql`AND ${query.flag} = ANY(flags)` : sql``}
            ${query.status ? sql`AND status = ${query.status}` : sql``}
            ${after ? sql`AND (created_at, id) < (${after.sortValue}::timestamptz, ${after.id})` : sql``}
          ORDER BY created_at DESC, id DESC
          LIMIT ${query.limit + 1}`.execute(db);
        const page = rows.slice(0, query.limit);
        const lines = await listShipmentLines(
          db,
          merchantId,
          page.map((s) => s.id),
        );
        const last = page.at(-1);
        return {
          data: page.map((s) => toShipmentView(s, lines)),
          nextCursor:
            rows.length > query.limit && last ? encodeCursor(last.created_at.toISOString(), last.id) : null,
        };
      },
    }),
  ];
}
