import { z } from 'zod';
import type { AppDeps } from '../../http/deps.ts';
import { type ApiRoute, apiRoute } from '../../http/route.ts';
import { decodeCursor, encodeCursor } from '../../lib/cursor.ts';
import { NotFoundError } from '../../lib/errors.ts';
import { findProduct, listProducts, listVariants } from './repo.ts';
import { productInputSchema, productSchema } from './schemas.ts';
import { toProductView, upsertProduct } from './upsert-product.ts';

export function catalogRoutes({ db }: AppDeps): ApiRoute[] {
  return [
    apiRoute({
      method: 'POST',
      url: '/api/v1/products',
      operationId: 'upsertProduct',
      summary: 'Create or update a product and its variants by your externalId',
      description: 'Answers 201 when the product is new and 200 when it replaced an existing one.',
      tag: 'Catalogue',
      body: productInputSchema,
      response: { status: 201, schema: productSchema },
      handler: async ({ merchantId, body, reply }) => {
        const { product, created } = await upsertProduct({ db, merchantId, input: body });
        reply.status(created ? 201 : 200);
        return product;
      },
    }),
    apiRoute({
      method: 'GET',
      url: '/api/v1/products',
      operationId: 'listProducts',
      summary: 'List products, newest first',
      tag: 'Catalogue',
      query: z
        .object({
          limit: z.coerce.number().int().min(1).max(200).default(50),
          cursor: z.string().optional(),
          category: z.string().optional(),
          tag: z.string().optional(),
        })
        .strict(),
      response: { schema: z.object({ data: z.array(productSchema), nextCursor: z.string().nullable() }) },
      handler: async ({ merchantId, query }) => {
        const rows = await listProducts(db, {
          merchantId,
          limit: query.limit + 1,
          after: query.cursor ? decodeCursor(query.cursor) : undefined,
          category: query.category,
          tag: query.tag,
        });
        const page = rows.slice(0, query.limit);
        const variants = await listVariants(
          db,
          merchantId,
          page.map((p) => p.id),
        );
        const last = page.at(-1);
        return {
          data: page.map((p) => toProductView(p, variants)),
          nextCursor:
            rows.length > query.limit && last ? encodeCursor(last.created_at.toISOString(), last.id) : null,
        };
      },
    }),
    apiRoute({
      method: 'GET',
      url: '/api/v1/products/:id',
      operationId: 'getProduct',
      summary: 'One product with its variants',
      tag: 'Catalogue',
      params: z.object({ id: z.string() }),
      response: { schema: productSchema },
      handler: async ({ merchantId, params }) => {
        const product = await findProduct(db, merchantId, params.id);
        if (!product) throw new NotFoundError('Product', { id: params.id });
        return toProductView(product, await listVariants(db, merchantId, [product.id]));
      },
    }),
  ];
}
