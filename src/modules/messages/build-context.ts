import type { Config } from '../../config.ts';
import type { DbOrTx } from '../../db/pool.ts';
import type { PostalAddress } from '../../db/schema.ts';
import { NotFoundError } from '../../lib/errors.ts';
import { formatMoney } from '../../lib/money.ts';
import type { OrderLineRow, OrderRow } from '../orders/index.ts';
import type { MessageContext, OrderContext } from '../templates/context.ts';
import { link } from './links.ts';
import { loadMessageFacts, type MessageFacts } from './load-facts.ts';

export interface ContextRequest {
  merchantId: string;
  locale: string;
  category: 'transactional' | 'marketing';
  customerId: string | null;
  orderId: string | null;
  shipmentId: string | null;
  messageId: string | null;
  channel: string;
  /** Extra facts a journey step attached: a voucher or survey it created, a campaign name. */
  extra: { voucherId?: string; surveyId?: string; campaign?: string };
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
  });
  const { merchant, customer, order, lines, shipment, voucher, care } = facts;
  if (!merchant) throw new NotFoundError('Merchant');
  const timeZone = customer?.timezone ?? merchant.timezone;
  const date = (d: Date | string, opts: Intl.DateTimeFormatOptions = { dateStyle: 'long' }) =>
    new Intl.DateTimeFormat(r.locale, { timeZone: typeof d === 'string' ? 'UTC' : timeZone, ...opts }).format(
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
      returns: order ? `${config.PUBLIC_URL}/returns` : null,
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

function addressLine(a: PostalAddress | null): string | null {
  if (!a) return null;
  const cityLine = [a.postalCode, a.city].filter(Boolean).join(' ');
  return [a.name, a.line1, a.line2, cityLine].filter(Boolean).join(', ') || null;
}
