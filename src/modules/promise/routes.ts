import type { AppDeps } from '../../http/deps.ts';
import { type ApiRoute, apiRoute } from '../../http/route.ts';
import { now } from '../../lib/clock.ts';
import { promiseDelivery } from './promise-for.ts';
import { promiseRequestSchema, promiseSchema } from './schemas.ts';

export function promiseRoutes({ db }: AppDeps): ApiRoute[] {
  return [
    apiRoute({
      method: 'POST',
      url: '/api/v1/delivery-promise',
      operationId: 'promiseDelivery',
      summary: 'Promise a delivery window (earliest, likely, latest) for a parcel, optionally for an order',
      description:
        'Counts the merchant cut-off and processing days, holidays at both ends and the carrier delivery days, ' +
        "and learns transit times from the merchant's own deliveries on the lane (wider lanes, then rules, when " +
        "those are few). With orderId the promise is stored and becomes the order's promised dates. " +
        '422 unknown_country / unknown_region / origin_unknown for places it cannot plan for.',
      tag: 'Delivery promise',
      body: promiseRequestSchema,
      response: { status: 200, schema: promiseSchema },
      handler: async ({ merchantId, body }) => {
        const promise = await promiseDelivery({
          db,
          merchantId,
          now: now(),
          input: { ...body, orderedAt: body.orderedAt ? new Date(body.orderedAt) : null },
        });
        const { basis: _basis, ...view } = promise;
        return view;
      },
    }),
  ];
}
