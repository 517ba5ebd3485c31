import type { FastifyPluginAsync } from 'fastify';
import { z } from 'zod';
import type { Config } from '../../config.ts';
import type { DbOrTx } from '../../db/pool.ts';
import { merchantFromRequest } from '../../http/auth.ts';
import type { AppDeps } from '../../http/deps.ts';
import { zodIssues } from '../../http/errors.ts';
import { ConflictError, NotFoundError, ValidationError } from '../../lib/errors.ts';
import { type Locale, matchLocale } from '../../lib/i18n.ts';
import { findCustomer } from '../customers/index.ts';
import { findMerchant } from '../merchants/index.ts';
import { link } from '../messages/links.ts';
import { findOrder, listLines } from '../orders/index.ts';
import {
  merchantBrand,
  type ReturnLabelView,
  renderReturnLabel,
  toPrintAddress,
} from '../printouts/index.ts';
import { translate } from '../templates/translations.ts';
import { returnPolicy } from './policy/schema.ts';
import { findReturn, listReturnLines } from './repo.ts';
import type { ReturnStatus } from './status.ts';

/** Before a decision, or after a "no", there is nothing to send back yet (or any more). */
const NO_LABEL: ReadonlySet<ReturnStatus> = new Set(['requested', 'needs_review', 'rejected', 'cancelled']);

const params = z.object({ id: z.string().min(1).max(100) });
const query = z.object({
  locale: z
    .string()
    .max(35)
    .refine((v) => matchLocale(v) !== undefined, 'must be one of en, pt-BR, es, sv')
    .optional(),
});

function parse<T>(schema: z.ZodType<T>, value: unknown, where: string): T {
  const result = schema.safeParse(value ?? {});
  if (result.success) return result.data;
  const details = zodIssues(result.error).map((i) => ({ ...i, path: i.path ? `${where}.${i.path}` : where }));
  throw new ValidationError(
    `Invalid ${details[0]?.path ?? where}: ${details[0]?.message ?? 'not valid'}`,
    details,
  );
}

/**
 * What the return label of one RMA shows: the customer's shipping address as sender, the merchant as
 * recipient, the items with their reasons, and a QR code to the return's status page. 404 when the return
 * is not this merchant's; 409 label_not_available before approval, after a rejection or cancellation, and
 * for returns where nothing travels back (returnless, "keep it").
 */
export async function loadReturnLabel(opts: {
  db: DbOrTx;
  config: Pick<Config, 'PUBLIC_URL' | 'SECRET_KEY'>;
  merchantId: string;
  returnId: string;
  locale?: string;
}): Promise<ReturnLabelView> {
  const { db, merchantId } = opts;
  const ret = await findReturn(db, merchantId, opts.returnId);
  if (!ret) throw new NotFoundError('Return', { id: opts.returnId });
  if (NO_LABEL.has(ret.status as ReturnStatus))
    throw new ConflictError(
      'label_not_available',
      `A return that is ${ret.status.replace('_', ' ')} has no label.`,
      { status: ret.status },
    );
  if (ret.keep_item || ret.resolution === 'returnless')
    throw new ConflictError('label_not_available', 'Nothing is sent back for this return.', {
      status: ret.status,
      resolution: ret.resolution,
    });

  const [merchant, order, lines] = await Promise.all([
    findMerchant(db, merchantId),
    findOrder(db, merchantId, ret.order_id),
    listReturnLines(db, merchantId, [ret.id]),
  ]);
  if (!merchant || !order) throw new NotFoundError('Return', { id: opts.returnId });
  const [orderLines, customer] = await Promise.all([
    listLines(db, merchantId, [order.id]),
    order.customer_id ? findCustomer(db, merchantId, order.customer_id) : undefined,
  ]);
  const locale: Locale =
    matchLocale(opts.locale) ??
    matchLocale(ret.locale) ??
    matchLocale(order.locale) ??
    matchLocale(merchant.locale) ??
    'en';
  const byId = new Map(orderLines.map((l) => [l.id, l]));
  const reasons = new Map(returnPolicy(merchant.settings).reasons.map((r) => [r.code, r]));
  const reasonText = (code: string) => {
    const own = reasons.get(code)?.labels;
    const label = own?.[locale] ?? own?.en;
    if (label) return label;
    const key = `returns.reasons.${code}`;
    const text = translate(locale, key);
    return text === key ? code.replaceAll('_', ' ') : text;
  };

  const brand = merchantBrand(merchant);
  const shipTo = toPrintAddress(order.shipping_address) ?? {};
  const customerName = [customer?.first_name, customer?.last_name].filter(Boolean).join(' ');
  return {
    locale,
    merchant: brand,
    rma: ret.number,
    orderNumber: order.number,
    from: { ...shipTo, name: shipTo.name || customerName || null },
    to: { ...(brand.address ?? {}), company: brand.address?.company ?? merchant.name },
    items: lines.map((l) => {
      const ol = byId.get(l.order_line_id);
      return {
        title: ol?.title ?? l.order_line_id,
        sku: ol?.sku,
        variant: ol?.variant_title ?? ([ol?.size, ol?.color].filter(Boolean).join(' / ') || null),
        quantity: l.quantity,
        reason: reasonText(l.reason),
      };
    }),
    // The status page, so whoever scans the parcel (or the customer) sees where the return stands.
    qrPayload: link(opts.config.PUBLIC_URL, opts.config.SECRET_KEY, { k: 'r', m: merchantId, r: ret.id }),
  };
}

/**
 * GET /api/v1/returns/:id/label.pdf?locale= : the return label and drop-off sheet of an RMA as a PDF,
 * behind the API key like the JSON API (a raw route, because the answer is binary).
 */
export function returnLabelRoutes(deps: AppDeps): FastifyPluginAsync {
  return async (app) => {
    app.get('/api/v1/returns/:id/label.pdf', async (request, reply) => {
      const merchantId = await merchantFromRequest(deps.db, request);
      request.log = request.log.child({ merchantId });
      const { id } = parse(params, request.params, 'params');
      const { locale } = parse(query, request.query, 'query');
      const view = await loadReturnLabel({
        db: deps.db,
        config: deps.config,
        merchantId,
        returnId: id,
        locale,
      });
      const pdf = await renderReturnLabel(view);
      const name = `return-label-${view.rma}`.replace(/[^\w.-]+/g, '');
      return reply
        .type('application/pdf')
        .header('content-disposition', `inline; filename="${name}.pdf"`)
        .header('cache-control', 'private, no-store')
        .send(pdf);
    });
  };
}
