import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { merchantFromRequest } from '../../http/auth.ts';
import type { AppDeps } from '../../http/deps.ts';
import { zodIssues } from '../../http/errors.ts';
import { AppError, ValidationError } from '../../lib/errors.ts';
import { matchLocale } from '../../lib/i18n.ts';
import { loadPackingSlips } from './load-packing-slip.ts';
import { renderOrderPrintouts } from './render.ts';

export const PICK_LIST_MAX_ORDERS = 200;

const localeParam = z
  .string()
  .max(35)
  .refine((v) => matchLocale(v) !== undefined, 'must be one of en, pt-BR, es, sv');
const options = {
  packer: z.string().min(1).max(100).optional(),
  locale: localeParam.optional(),
  note: z.string().trim().min(1).max(500).optional(),
};
const slipParams = z.object({ id: z.string().min(1).max(200) });
const slipQuery = z.object(options);
const pickListBody = z
  .object({ orderIds: z.array(z.string().min(1).max(200)).min(1).max(PICK_LIST_MAX_ORDERS), ...options })
  .strict();

function parse<T>(schema: z.ZodType<T>, value: unknown, where: string): T {
  const result = schema.safeParse(value ?? {});
  if (result.success) return result.data;
  const details = zodIssues(result.error).map((i) => ({ ...i, path: i.path ? `${where}.${i.path}` : where }));
  throw new ValidationError(
    `Invalid ${details[0]?.path ?? where}: ${details[0]?.message ?? 'not valid'}`,
    details,
  );
}

function sendPdf(reply: FastifyReply, pdf: Buffer, name: string): FastifyReply {
  const safe = name.replace(/[^\w.-]+/g, '') || 'printout';
  return reply
    .type('application/pdf')
    .header('content-disposition', `inline; filename="${safe}.pdf"`)
    .header('cache-control', 'private, no-store')
    .send(pdf);
}

/**
 * The printouts that go in the box, as PDFs, behind the same API-key auth as the JSON API (raw routes,
 * because the answer is binary):
 *  - GET  /api/v1/orders/:id/packing-slip.pdf?packer=&locale=&note=  slip + exchange instructions (+ card);
 *  - POST /api/v1/printouts/pick-list.pdf {orderIds, packer?, locale?}  every order's pages in one PDF.
 * Rendering is CPU work (~tens of ms per order); a 200-order pick list yields between orders.
 */
export function printoutRoutes(deps: AppDeps): FastifyPluginAsync {
  const authenticate = async (request: FastifyRequest) => {
    const merchantId = await merchantFromRequest(deps.db, request);
    request.log = request.log.child({ merchantId });
    return merchantId;
  };
  return async (app) => {
    app.get('/api/v1/orders/:id/packing-slip.pdf', async (request, reply) => {
      const merchantId = await authenticate(request);
      const { id } = parse(slipParams, request.params, 'params');
      const query = parse(slipQuery, request.query, 'query');
      const printouts = await loadPackingSlips({
        db: deps.db,
        config: deps.config,
        merchantId,
        orderIds: [id],
        packerId: query.packer,
        locale: query.locale,
        note: query.note,
      });
      const pdf = await renderOrderPrintouts(printouts);
      return sendPdf(reply, pdf, `packing-slip-${printouts[0]!.slip.order.number}`);
    });

    app.post('/api/v1/printouts/pick-list.pdf', async (request, reply) => {
      const merchantId = await authenticate(request);
      const type = request.headers['content-type'];
      if (type !== undefined && !/^application\/json\b/i.test(type))
        throw new AppError('unsupported_media_type', 'Send the body as application/json.', 415);
      const body = parse(pickListBody, request.body, 'body');
      const printouts = await loadPackingSlips({
        db: deps.db,
        config: deps.config,
        merchantId,
        orderIds: body.orderIds,
        packerId: body.packer,
        locale: body.locale,
        note: body.note,
      });
      const pdf = await renderOrderPrintouts(printouts);
      return sendPdf(reply, pdf, `pick-list-${body.orderIds.length}-orders`);
    });
  };
}
