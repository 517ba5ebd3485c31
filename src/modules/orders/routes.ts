import { z } from 'zod';
import { withTransaction } from '../../db/pool.ts';
import type { AppDeps } from '../../http/deps.ts';
import { type ApiRoute, apiRoute } from '../../http/route.ts';
import { decodeCursor, encodeCursor } from '../../lib/cursor.ts';
import { newId } from '../../lib/ids.ts';
import { cancelOrder, markOrderPaid, updateOrderDetails } from './change-order.ts';
import { createOrder } from './create-order.ts';
import { getOrder } from './get-order.ts';
import { recordRefund } from './record-refund.ts';
import { listLines, listOrders } from './repo.ts';
import {
  orderCreateSchema,
  orderListQuery,
  orderSchema,
  orderUpdateSchema,
  refundCreateSchema,
} from './schemas.ts';
import { toOrderView } from './view.ts';

const idParams = z.object({ id: z.string() });

export function orderRoutes({ db }: AppDeps): ApiRoute[] {
  return [
    apiRoute({
      method: 'POST',
      url: '/api/v1/orders',
      operationId: 'createOrder',
      summary: 'Create an order (totals computed from the lines; a mismatching `total` is refused)',
      tag: 'Orders',
      body: orderCreateSchema,
      response: { status: 201, schema: orderSchema },
      handler: ({ merchantId, body }) => createOrder({ db, merchantId, input: body }),
    }),
    apiRoute({
      method: 'GET',
      url: '/api/v1/orders',
      operationId: 'listOrders',
      summary: 'List orders, newest first, with cursor pagination and filters',
      tag: 'Orders',
      query: orderListQuery,
      response: { schema: z.object({ data: z.array(orderSchema), nextCursor: z.string().nullable() }) },
      handler: async ({ merchantId, query }) => {
        const rows = await listOrders(db, {
          ...query,
          merchantId,
          limit: query.limit + 1,
          after: query.cursor ? decodeCursor(query.cursor) : undefined,
          placedFrom: query.placedFrom ? new Date(query.placedFrom) : undefined,
          placedTo: query.placedTo ? new Date(query.placedTo) : undefined,
          updatedSince: query.updatedSince ? new Date(query.updatedSince) : undefined,
        });
        const page = rows.slice(0, query.limit);
        const lines = await listLines(
          db,
          merchantId,
          page.map((o) => o.id),
        );
        const last = page.at(-1);
        return {
          data: page.map((o) => toOrderView(o, lines)),
          nextCursor:
            rows.length > query.limit && last ? encodeCursor(last.placed_at.toISOString(), last.id) : null,
        };
      },
    }),
    apiRoute({
      method: 'GET',
      url: '/api/v1/orders/:id',
      operationId: 'getOrder',
      summary: 'One order with its lines',
      tag: 'Orders',
      params: idParams,
      response: { schema: orderSchema },
      handler: ({ merchantId, params }) => getOrder({ db, merchantId, orderId: params.id }),
    }),
    apiRoute({
      method: 'PATCH',
      url: '/api/v1/orders/:id',
      operationId: 'updateOrder',
      summary: 'Change contact details, addresses, tags, note or the promised delivery window',
      tag: 'Orders',
      params: idParams,
      body: orderUpdateSchema,
      response: { schema: orderSchema },
      handler: ({ merchantId, params, body }) =>
        updateOrderDetails({ db, merchantId, orderId: params.id, input: body }),
    }),
    apiRoute({
      method: 'POST',
      url: '/api/v1/orders/:id/pay',
      operationId: 'markOrderPaid',
      summary: 'Mark an order paid (appends order.paid)',
      tag: 'Orders',
      params: idParams,
      body: z
        .object({ paidAt: z.iso.datetime({ offset: true }).optional() })
        .strict()
        .optional(),
      response: { schema: orderSchema },
      handler: ({ merchantId, params, body }) =>
        markOrderPaid({
          db,
          merchantId,
          orderId: params.id,
          paidAt: body?.paidAt ? new Date(body.paidAt) : undefined,
        }),
    }),
    apiRoute({
      method: 'POST',
      url: '/api/v1/orders/:id/cancel',
      operationId: 'cancelOrder',
      summary: 'Cancel an order that has not shipped (appends order.cancelled)',
      tag: 'Orders',
      params: idParams,
      body: z
        .object({ reason: z.string().max(500).optional() })
        .strict()
        .optional(),
      response: { schema: orderSchema },
      handler: ({ merchantId, params, body }) =>
        cancelOrder({ db, merchantId, orderId: params.id, reason: body?.reason }),
    }),
    apiRoute({
      method: 'POST',
      url: '/api/v1/orders/:id/refunds',
      operationId: 'refundOrder',
      summary: 'Record a refund (never more than what is left; appends order.refunded)',
      tag: 'Orders',
      params: idParams,
      body: refundCreateSchema,
      response: { status: 201, schema: orderSchema },
      handler: async ({ merchantId, params, body }) => {
        await withTransaction(db, (tx) =>
          recordRefund({
            tx,
            merchantId,
            refund: {
              orderId: params.id,
              source: 'api',
              externalId: body.externalId ?? newId('rfd'),
              amount: body.amount,
              reason: body.reason ?? null,
              lines: body.lines,
              refundedAt: new Date(),
            },
          }),
        );
        return getOrder({ db, merchantId, orderId: params.id });
      },
    }),
  ];
}
