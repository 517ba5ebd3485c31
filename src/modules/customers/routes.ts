import { z } from 'zod';
import type { AppDeps } from '../../http/deps.ts';
import { type ApiRoute, apiRoute } from '../../http/route.ts';
import { normalizeEmail, normalizePhone } from '../../lib/contact.ts';
import { decodeCursor, encodeCursor } from '../../lib/cursor.ts';
import { NotFoundError } from '../../lib/errors.ts';
import { findCustomer, listCustomers, listIdentities } from './repo.ts';
import { customerListQuery, customerSchema } from './schemas.ts';
import { toCustomerView } from './view.ts';

export function customerRoutes({ db }: AppDeps): ApiRoute[] {
  return [
    apiRoute({
      method: 'GET',
      url: '/api/v1/customers',
      operationId: 'listCustomers',
      summary: 'List customers, newest first, with cursor pagination and filters',
      tag: 'Customers',
      query: customerListQuery,
      response: { schema: z.object({ data: z.array(customerSchema), nextCursor: z.string().nullable() }) },
      handler: async ({ merchantId, query }) => {
        const rows = await listCustomers(db, {
          merchantId,
          limit: query.limit + 1,
          after: query.cursor ? decodeCursor(query.cursor) : undefined,
          email: query.email ? (normalizeEmail(query.email) ?? query.email) : undefined,
          phone: query.phone ? (normalizePhone(query.phone) ?? query.phone) : undefined,
          updatedSince: query.updatedSince ? new Date(query.updatedSince) : undefined,
        });
        const page = rows.slice(0, query.limit);
        const last = page.at(-1);
        return {
          data: page.map(toCustomerView),
          nextCursor:
            rows.length > query.limit && last ? encodeCursor(last.created_at.toISOString(), last.id) : null,
        };
      },
    }),
    apiRoute({
      method: 'GET',
      url: '/api/v1/customers/:id',
      operationId: 'getCustomer',
      summary: 'One customer with the ids they have in each channel',
      tag: 'Customers',
      params: z.object({ id: z.string() }),
      response: { schema: customerSchema },
      handler: async ({ merchantId, params }) => {
        const row = await findCustomer(db, merchantId, params.id);
        if (!row) throw new NotFoundError('Customer', { id: params.id });
        const identities = await listIdentities(db, merchantId, row.id);
        return {
          ...toCustomerView(row),
          identities: identities.map((i) => ({
            source: i.source,
            externalId: i.external_id,
            channel: i.channel,
          })),
        };
      },
    }),
  ];
}
