import { z } from 'zod';
import { withTransaction } from '../../db/pool.ts';
import type { AppDeps } from '../../http/deps.ts';
import { type ApiRoute, apiRoute } from '../../http/route.ts';
import { NotFoundError } from '../../lib/errors.ts';
import { newId } from '../../lib/ids.ts';
import { findOrder } from '../orders/index.ts';
import { findShipment, listShipmentLines, listShipmentsOfOrders } from './repo.ts';
import { shipmentCreateSchema, shipmentSchema } from './schemas.ts';
import type { ShipmentStatus } from './status.ts';
import { upsertShipment } from './upsert-shipment.ts';
import { toShipmentView } from './view.ts';

const idParams = z.object({ id: z.string() });

export function shipmentRoutes({ db }: AppDeps): ApiRoute[] {
  async function view(merchantId: string, id: string) {
    const s = await findShipment(db, merchantId, id);
    if (!s) throw new NotFoundError('Shipment', { id });
    return toShipmentView(s, await listShipmentLines(db, merchantId, [s.id]));
  }
  return [
    apiRoute({
      method: 'POST',
      url: '/api/v1/orders/:id/shipments',
      operationId: 'createShipment',
      summary: 'Ship some or all of an order (appends shipment.created and moves the order)',
      tag: 'Shipments',
      params: idParams,
      body: shipmentCreateSchema,
      response: { status: 201, schema: shipmentSchema },
      handler: async ({ merchantId, params, body, reply }) => {
        const order = await findOrder(db, merchantId, params.id);
        if (!order) throw new NotFoundError('Order', { id: params.id });
        const result = await withTransaction(db, (tx) =>
          upsertShipment({
            tx,
            merchantId,
            source: 'api',
            data: {
              orderId: order.id,
              externalId: body.externalId ?? newId('shp'),
              carrier: body.carrier ?? null,
              service: body.service ?? null,
              trackingNumber: body.trackingNumber ?? null,
              trackingUrl: body.trackingUrl ?? null,
              status: body.status as ShipmentStatus,
              lines: body.lines.map((l) => ({ orderLineId: l.lineId, quantity: l.quantity })),
              shippedAt: body.shippedAt ? new Date(body.shippedAt) : new Date(),
              sourceUpdatedAt: null,
            },
          }),
        );
        if (result.outcome !== 'created') reply.status(200);
        return view(merchantId, result.shipmentId);
      },
    }),
    apiRoute({
      method: 'GET',
      url: '/api/v1/orders/:id/shipments',
      operationId: 'listOrderShipments',
      summary: "An order's shipments",
      tag: 'Shipments',
      params: idParams,
      response: { schema: z.object({ data: z.array(shipmentSchema) }) },
      handler: async ({ merchantId, params }) => {
        const order = await findOrder(db, merchantId, params.id);
        if (!order) throw new NotFoundError('Order', { id: params.id });
        const shipments = await listShipmentsOfOrders(db, merchantId, [order.id]);
        const lines = await listShipmentLines(
          db,
          merchantId,
          shipments.map((s) => s.id),
        );
        return { data: shipments.map((s) => toShipmentView(s, lines)) };
      },
    }),
    apiRoute({
      method: 'GET',
      url: '/api/v1/shipments/:id',
      operationId: 'getShipment',
      summary: 'One shipment',
      tag: 'Shipments',
      params: idParams,
      response: { schema: shipmentSchema },
      handler: ({ merchantId, params }) => view(merchantId, params.id),
    }),
  ];
}
