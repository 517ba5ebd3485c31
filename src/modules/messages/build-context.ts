import type { Config } from '../../config.ts';
import type { DbOrTx } from '../../db/pool.ts';
import type { PostalAddress } from '../../db/schema.ts';
import { NotFoundError } from '../../lib/errors.ts';
import { dateFormatter } from '../../lib/i18n.ts';
import { formatMoney } from '../../lib/money.ts';
import type { OrderLineRow, OrderRow } from '../orders/index.ts';
import type { MessageContext, OrderContext, ReturnContext } from '../templates/context.ts';
import { translate } from '../templates/translations.ts';
import { link, returnsPortalLink } from './links.ts';
import { loadMessageFacts, type MessageFacts, type ReturnFacts } from './load-facts.ts';

export interface ContextRequest {
  merchantId: string;
  locale: string;
  category: 'transactional' | 'marketing';
  customerId: string | null;
  orderId: string | null;
  shipmentId: string | null;
  messageId: string | null;
  channel: string;
  /** Extra facts a journey step attached: a voucher or survey it created, a campaign name, the return. */
  extra: { voucherId?: string; surveyId?: string; campaign?: string; returnId?: string };
}

/**
 * Everything a template may show, gathered at send time (so a message reflects the order as it is now) and
 * formatted for the recipient: money in the order's currency and the message's locale, dates in the
 * customer's (or shop's) time zone, public links signed.
 */
export async function buildMessageContext(
  db: DbOrTx,
  config: Pick<Config, 'PUBLIC_URL' | 'SECRET_KEY'>,
  r: ContextRequest,
): Promise<{
  scope: MessageContext & { category: string };
  merchant: NonNullable<MessageFacts['merchant']>;
}> {
  const facts = await loadMessageFacts(db, {
    merchantId: r.merchantId,
    customerId: r.customerId,
    orderId: r.orderId,
    shipmentId: r.shipmentId,
    voucherId: r.extra.voucherId ?? null,
    returnId: r.extra.returnId ?? null,
  });
  const { merchant, customer, order, lines, shipment, voucher, care, ret } = facts;
  if (!merchant) throw new NotFoundError('Merchant');
  const timeZone = customer?.timezone ?? merchant.timezone;
  const date = (d: Date | string, opts: Intl.DateTimeFormatOptions = { dateStyle: 'long' }) =>
    dateFormatter(r.locale, { timeZone: typeof d === 'string' ? 'UTC' : timeZone, ...opts }).format(
      typeof d === 'string' ? new Date(`${d}T12:00:00Z`) : d,
    );
  const signed = (payload: Parameters<typeof link>[2]) => link(config.PUBLIC_URL, config.SECRET_KEY, payload);
  const customerRef = r.customerId ?? '';
  const scope = {
    locale: r.locale,
    category: r.category,
    shop: {
      name: merchant.name,
      logo_url: merchant.logo_url,
      primary_color: merchant.brand_primary,
      accent_color: merchant.brand_accent,
      support_email: merchant.support_email,
      support_phone: merchant.support_phone,
      address: addressLine(merchant.postal_address),
      url: config.PUBLIC_URL,
    },
    customer: {
      first_name: customer?.first_name ?? null,
      last_name: customer?.last_name ?? null,
      name: [customer?.first_name, customer?.last_name].filter(Boolean).join(' ') || null,
      email: customer?.email ?? order?.email ?? null,
    },
    order: order ? orderContext(order, lines, r.locale, date) : null,
    shipment: shipment
      ? {
          carrier: shipment.carrier,
          tracking_number: shipment.tracking_number,
          status: shipment.status,
          delivered_on: shipment.delivered_at ? date(shipment.delivered_at) : null,
        }
      : null,
    links: {
      tracking: order ? signed({ k: 't', m: r.merchantId, o: order.id }) : null,
      returns: order ? returnsPortalLink(config.PUBLIC_URL, config.SECRET_KEY, r.merchantId, order.id) : null,
      preferences: signed({ k: 'p', m: r.merchantId, c: customerRef }),
      unsubscribe: signed({
        k: 'u',
        m: r.merchantId,
        c: customerRef,
        ch: r.channel,
        ...(r.messageId ? { msg: r.messageId } : {}),
      }),
      shop: config.PUBLIC_URL,
      review: order ? `${config.PUBLIC_URL}/reviews/new` : null,
      survey: r.extra.surveyId
        ? [1, 2, 3, 4, 5].map((score) => ({
            score,
            url: `${signed({ k: 's', m: r.merchantId, s: r.extra.surveyId! })}?score=${score}`,
          }))
        : [],
    },
    voucher: voucher
      ? {
          code: voucher.code,
          value:
            voucher.percent_off !== null
              ? `${voucher.percent_off} %`
              : formatMoney(voucher.amount_minor ?? 0, voucher.currency ?? merchant.currency, r.locale),
          expires_on: voucher.expires_at ? date(voucher.expires_at) : null,
        }
      : null,
    campaign: r.extra.campaign ? { name: r.extra.campaign } : null,
    care,
    return: ret ? returnContext(ret, r.locale, date) : null,
  };
  return { scope, merchant };
}

function orderContext(
  o: OrderRow,
  lines: OrderLineRow[],
  locale: string,
  date: (d: Date | string, opts?: Intl.DateTimeFormatOptions) => string,
): OrderContext {
  const m = (minor: number) => formatMoney(minor, o.currency, locale);
  const dayMonth: Intl.DateTimeFormatOptions = { day: 'numeric', month: 'long' };
  const estimate =
    o.promised_earliest && o.promised_latest
      ? o.promised_earliest === o.promised_latest
        ? date(o.promised_latest, dayMonth)
        : `${date(o.promised_earliest, dayMonth)} – ${date(o.promised_latest, dayMonth)}`
      : null;
  return {
    number: o.number,
    placed_on: date(o.placed_at),
    lines: lines.map((l) => ({
      title: l.title,
      variant: l.variant_title ?? ([l.size, l.color].filter(Boolean).join(' / ') || null),
      quantity: l.quantity,
      properties: l.properties,
      unit_price: m(l.unit_price_minor),
      total: m(l.unit_price_minor * l.quantity - l.discount_minor),
      image_url: l.image_url,
    })),
    subtotal: m(o.subtotal_minor),
    discount: m(o.discount_minor),
    has_discount: o.discount_minor > 0,
    discount_codes: o.discount_codes.map((d) => d.code).join(', '),
    tax: m(o.tax_minor),
    has_tax: o.tax_minor > 0,
    taxes_included: o.taxes_included,
    shipping: m(o.shipping_minor),
    shipping_method: o.shipping_method,
    total: m(o.total_minor),
    delivery_estimate: estimate,
    shipping_address: addressLine(o.shipping_address),
  };
}

/** Days a customer has to hand in the parcel once a return is approved, unless an instant exchange says otherwise. */
const SHIP_BACK_DAYS = 14;

function returnContext(
  f: ReturnFacts,
  locale: string,
  date: (d: Date | string, opts?: Intl.DateTimeFormatOptions) => string,
): ReturnContext {
  const r = f.row;
  const m = (minor: number) => formatMoney(minor, r.currency, locale);
  const some = (minor: number) => (minor > 0 ? m(minor) : null);
  const entered = new Set(f.history.map((h) => h.to));
  const shipBack = r.resolution !== 'returnless' && !r.keep_item;
  const decided = r.decided_at ?? (entered.has('approved') ? r.updated_at : null);
  const instant = r.resolution_detail.instantExchange as { returnWithinDays?: number } | undefined;
  const days = instant?.returnWithinDays ?? SHIP_BACK_DAYS;
  const rejection = f.history.findLast((h) => h.to === 'rejected');
  return {
    number: r.number,
    status: r.status,
    resolution: r.resolution,
    resolution_label: translate(locale, `return_messages.resolutions.${r.resolution}`),
    outcome: r.outcome,
    in_review: entered.has('needs_review'),
    ship_back: shipBack,
    requested_on: date(r.created_at),
    ship_by: shipBack && decided ? date(new Date(decided.getTime() + days * 86_400_000)) : null,
    items: f.lines.map((l) => ({
      title: l.title,
      variant: l.variant,
      quantity: l.quantity,
      total: m(l.unit_price_minor * l.quantity),
    })),
    value: m(r.value_minor),
    refunded: some(r.refunded_minor),
    credited: some(r.credited_minor),
    bonus: r.outcome === 'credited' ? some(creditBonus(r, f.lines)) : null,
    fee: some(r.fee_minor),
    shipping: some(r.shipping_minor),
    voucher_code: f.resolved?.voucherCode ?? null,
    exchange_order_number: f.exchangeOrderNumber,
    carrier: r.return_carrier,
    tracking_number: r.return_tracking,
    note: rejection?.note ?? null,
  };
}

/** The bonus inside the credit, as resolving computed it: scaled down when inspection left lines out. */
function creditBonus(r: ReturnFacts['row'], lines: ReturnFacts['lines']): number {
  if (r.value_minor <= 0) return 0;
  const kept = lines.filter((l) => l.inspection !== 'not_eligible');
  const gross = kept.reduce((sum, l) => sum + l.unit_price_minor * l.quantity, 0);
  return Math.floor((r.bonus_minor * gross) / r.value_minor);
}

function addressLine(a: PostalAddress | null): string | null {
  if (!a) return null;
  const cityLine = [a.postalCode, a.city].filter(Boolean).join(' ');
  return [a.name, a.line1, a.line2, cityLine].filter(Boolean).join(', ') || null;
}
