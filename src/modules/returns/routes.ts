import { z } from 'zod';
import type { AppDeps } from '../../http/deps.ts';
import { type ApiRoute, apiRoute } from '../../http/route.ts';
import { now } from '../../lib/clock.ts';
import { decodeCursor, encodeCursor } from '../../lib/cursor.ts';
import { NotFoundError, ValidationError } from '../../lib/errors.ts';
import { createReturn } from './create-return.ts';
import { checkPhotos } from './photos.ts';
import { inspectReturn, issueReturnLabel, receiveReturn } from './receive-return.ts';
import { findReturn, listReturnLines, listReturns, listTransitions, type ReturnRow } from './repo.ts';
import { resolveReturn } from './resolve-return.ts';
import { approveReturn, cancelReturn, closeReturn, rejectReturn } from './review-return.ts';
import {
  returnCreateSchema,
  returnInspectSchema,
  returnLabelSchema,
  returnListQuerySchema,
  returnNoteSchema,
  returnRejectSchema,
  returnSchema,
} from './schemas.ts';
import { RETURN_STATUSES } from './status.ts';
import { toReturnView } from './view.ts';

const idParams = z.object({ id: z.string().max(100) }).strict();
const TAG = 'Returns';

/** The merchant's side of returns: create (for staff or a headless portal), the queue, and each step. */
export function returnRoutes({ db }: AppDeps): ApiRoute[] {
  const view = async (ret: ReturnRow) =>
    toReturnView(
      ret,
      await listReturnLines(db, ret.merchant_id, [ret.id]),
      await listTransitions(db, ret.merchant_id, ret.id),
    );
  const step = (
    action: string,
    summary: string,
    body: z.ZodType | undefined,
    run: (o: { merchantId: string; id: string; body: Record<string, unknown> }) => Promise<ReturnRow>,
  ) =>
    apiRoute({
      method: 'POST',
      url: `/api/v1/returns/:id/${action}`,
      operationId: `${action}Return`,
      summary,
      description: '409 illegal_transition when the return is not in a state this step follows.',
      tag: TAG,
      params: idParams,
      body,
      response: { schema: returnSchema },
      handler: async ({ merchantId, params, body: b }) =>
        view(await run({ merchantId, id: params.id, body: (b ?? {}) as Record<string, unknown> })),
    });

  return [
    apiRoute({
      method: 'POST',
      url: '/api/v1/returns',
      operationId: 'createReturn',
      summary:
        'Request a return or exchange; the policy decides it at once (approved, needs_review) or refuses it',
      description:
        '422 return_not_allowed names every rule that refused (window passed, final sale, more than was bought, ' +
        'already returned, ...); 422 resolution_not_offered; 422 exchange_variant_required. Nothing is written ' +
        'when refused. Prices come from the order. Photos are checked by their bytes.',
      tag: TAG,
      body: returnCreateSchema,
      bodyLimit: 48 * 1024 * 1024,
      response: { status: 201, schema: returnSchema.extend({ created: z.boolean() }) },
      handler: async ({ merchantId, body, reply }) => {
        const photos = checkPhotos(
          (body.photos ?? []).map((p) => ({
            orderLineId: p.orderLineId ?? null,
            data: Buffer.from(p.data, 'base64'),
          })),
        );
        const made = await createReturn({
          db,
          merchantId,
          input: body,
          photos,
          source: 'api',
          actor: 'api',
          now: now(),
        });
        if (!made.created) reply.status(200);
        return { ...(await view(made.ret)), created: made.created };
      },
    }),
    apiRoute({
      method: 'GET',
      url: '/api/v1/returns',
      operationId: 'listReturns',
      summary: 'The returns queue: by status, oldest first',
      tag: TAG,
      query: returnListQuerySchema,
      response: { schema: z.object({ data: z.array(returnSchema), nextCursor: z.string().nullable() }) },
      handler: async ({ merchantId, query }) => {
        const statuses = query.status ? query.status.split(',').map((s) => s.trim()) : undefined;
        const unknown = statuses?.filter((s) => !(RETURN_STATUSES as readonly string[]).includes(s)) ?? [];
        if (unknown.length > 0) {
          throw new ValidationError(`Unknown status: ${unknown.join(', ')}.`, { allowed: RETURN_STATUSES });
        }
        const after = query.cursor ? decodeCursor(query.cursor) : undefined;
        const rows = await listReturns(db, merchantId, {
          statuses,
          orderId: query.orderId,
          after: after ? { createdAt: after.sortValue, id: after.id } : undefined,
          limit: query.limit + 1,
        });
        const page = rows.slice(0, query.limit);
        const lines = await listReturnLines(
          db,
          merchantId,
          page.map((r) => r.id),
        );
        const last = page.at(-1);
        return {
          data: page.map((r) => toReturnView(r, lines)),
          nextCursor:
            rows.length > query.limit && last ? encodeCursor(last.created_at.toISOString(), last.id) : null,
        };
      },
    }),
    apiRoute({
      method: 'GET',
      url: '/api/v1/returns/:id',
      operationId: 'getReturn',
      summary: 'A return with its lines, the policy decision and every step it took',
      tag: TAG,
      params: idParams,
      response: { schema: returnSchema },
      handler: async ({ merchantId, params }) => {
        const ret = await findReturn(db, merchantId, params.id);
        if (!ret) throw new NotFoundError('Return', { id: params.id });
        return view(ret);
      },
    }),
    step('approve', 'Approve a return waiting for review', returnNoteSchema, ({ merchantId, id, body }) =>
      approveReturn({ db, merchantId, returnId: id, note: body.note as string | undefined }),
    ),
    step(
      'reject',
      'Reject a return, saying why (the customer is told)',
      returnRejectSchema,
      ({ merchantId, id, body }) => rejectReturn({ db, merchantId, returnId: id, note: body.note as string }),
    ),
    step(
      'label',
      "Record the return parcel's carrier and tracking number",
      returnLabelSchema,
      ({ merchantId, id, body }) =>
        issueReturnLabel({
          db,
          merchantId,
          returnId: id,
          carrier: body.carrier as string,
          trackingNumber: body.trackingNumber as string,
        }),
    ),
    step('receive', 'The return parcel arrived', returnNoteSchema, ({ merchantId, id, body }) =>
      receiveReturn({ db, merchantId, returnId: id, note: body.note as string | undefined }),
    ),
    step(
      'inspect',
      'Inspect every line: restock, damaged or not eligible',
      returnInspectSchema,
      ({ merchantId, id, body }) =>
        inspectReturn({ db, merchantId, returnId: id, lines: body.lines as never }),
    ),
    step(
      'resolve',
      'Carry out the resolution: refund, credit or exchange order',
      returnNoteSchema,
      ({ merchantId, id }) => resolveReturn({ db, merchantId, returnId: id }),
    ),
    step(
      'cancel',
      'Withdraw a return before its parcel is on the way',
      returnNoteSchema,
      ({ merchantId, id, body }) =>
        cancelReturn({ db, merchantId, returnId: id, note: body.note as string | undefined }),
    ),
    step('close', 'File away a resolved or rejected return', returnNoteSchema, ({ merchantId, id, body }) =>
      closeReturn({ db, merchantId, returnId: id, note: body.note as string | undefined }),
    ),
  ];
}
