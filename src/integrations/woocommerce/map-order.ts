import { decodeHTML } from 'entities';
import type { PostalAddress } from '../../db/schema.ts';
import { normalizeEmail, normalizePhone } from '../../lib/contact.ts';
import { matchLocale } from '../../lib/i18n.ts';
import { toMinor } from '../../lib/money.ts';
import type { LineData, OrderData, PaymentStatus } from '../../modules/orders/index.ts';
import type { WooAddress, WooOrder } from './payloads.ts';

const SIZE_KEYS = /^(pa_)?(size|tamanho|talla|storlek)$/i;
const COLOR_KEYS = /^(pa_)?(colou?r|cor|cores|talla_color|färg|farg)$/i;

/** WooCommerce's order JSON as our OrderData. */
export function mapWooOrder(o: WooOrder): OrderData {
  const currency = o.currency.toUpperCase();
  const m = (v: string | number | null | undefined) =>
    v === null || v === undefined || v === '' ? 0 : toMinor(v, currency);
  const country = o.shipping?.country || o.billing?.country || null;
  const lines: LineData[] = o.line_items
    .filter((li) => li.quantity > 0)
    .map((li) => {
      const subtotal = m(li.subtotal);
      const attrs = li.meta_data.filter((md) => !md.key.startsWith('_'));
      const value = (re: RegExp) => {
        const hit = attrs.find((md) => re.test(md.key));
        return hit ? String(hit.display_value ?? hit.value) : null;
      };
      const productId = li.product_id ? String(li.product_id) : null;
      const variationId = li.variation_id && String(li.variation_id) !== '0' ? String(li.variation_id) : null;
      return {
        externalId: li.id,
        productExternalId: productId && productId !== '0' ? productId : null,
        variantExternalId: variationId ?? (productId && productId !== '0' ? productId : null),
        sku: li.sku || null,
        title: decodeHTML(li.name),
        variantTitle: null,
        brand: null,
        size: value(SIZE_KEYS),
        color: value(COLOR_KEYS),
        properties: attrs
          .filter((md) => !SIZE_KEYS.test(md.key) && !COLOR_KEYS.test(md.key))
          .map((md) => ({
            name: String(md.display_key ?? md.key),
            value: String(md.display_value ?? md.value ?? ''),
          })),
        quantity: li.quantity,
        // WooCommerce reports line totals; the unit price is the pre-discount subtotal per item.
        unitPrice: Math.round(subtotal / li.quantity),
        discount: Math.max(0, subtotal - m(li.total)),
        tax: m(li.total_tax),
        taxLines: [],
        requiresShipping: true,
        imageUrl: li.image?.src || null,
      };
    });
  const email = normalizeEmail(o.billing?.email);
  const phone = normalizePhone(o.billing?.phone, country);
  const locale = matchLocale(metaValue(o, ['wpml_language', 'locale', '_locale', 'pll_language'])) ?? null;
  const paid = Boolean(o.date_paid_gmt) || o.status === 'processing' || o.status === 'completed';
  const refunded = o.refunds.reduce((s, r) => s + Math.abs(m(r.total)), 0);
  const total = m(o.total);
  let paymentStatus: PaymentStatus = paid ? 'paid' : o.status === 'failed' ? 'voided' : 'pending';
  if (o.status === 'refunded' || (refunded > 0 && refunded >= total)) paymentStatus = 'refunded';
  else if (refunded > 0) paymentStatus = 'partially_refunded';
  const gmt = (s: string) => new Date(/[zZ]|[+-]\d\d:?\d\d$/.test(s) ? s : `${s}Z`);
  return {
    externalId: o.id,
    number: o.number ? `#${o.number}` : `#${o.id}`,
    placedAt: gmt(o.date_created_gmt),
    currency,
    locale,
    channel: 'web',
    campaignTags: [],
    tags: [],
    customer: {
      externalId: o.customer_id && String(o.customer_id) !== '0' ? String(o.customer_id) : null,
      email,
      phone,
      firstName: o.billing?.first_name || null,
      lastName: o.billing?.last_name || null,
      locale,
      acceptsMarketing: null,
    },
    email,
    phone,
    lines,
    shippingMethod: o.shipping_lines[0]?.method_title ?? null,
    shippingLines: o.shipping_lines.map((s) => ({
      title: s.method_title ?? 'Shipping',
      code: s.method_id ?? null,
      price: m(s.total),
      tax: m(s.total_tax),
    })),
    discountCodes: o.coupon_lines.map((c) => ({ code: c.code, amount: m(c.discount) })),
    taxLines: o.tax_lines.map((t) => ({
      title: t.label ?? 'Tax',
      rate: t.rate_percent ?? null,
      amount: m(t.tax_total) + m(t.shipping_tax_total),
    })),
    taxesIncluded: o.prices_include_tax ?? false,
    totals: {
      subtotal: lines.reduce((s, l) => s + l.unitPrice * l.quantity, 0),
      discount: m(o.discount_total),
      tax: m(o.total_tax),
      shipping: m(o.shipping_total),
      total,
    },
    shippingAddress: mapAddress(o.shipping),
    billingAddress: mapAddress(o.billing),
    promisedEarliest: null,
    promisedLatest: null,
    note: o.customer_note || null,
    paymentStatus,
    cancelledAt: o.status === 'cancelled' ? gmt(o.date_modified_gmt ?? o.date_created_gmt) : null,
    cancelReason: o.status === 'cancelled' ? 'cancelled in WooCommerce' : null,
    sourceUpdatedAt: o.date_modified_gmt ? gmt(o.date_modified_gmt) : null,
  };
}

function metaValue(o: WooOrder, keys: string[]): string | null {
  const hit = o.meta_data.find((md) => keys.includes(md.key));
  return hit && typeof hit.value === 'string' ? hit.value : null;
}

function mapAddress(a: WooAddress | null | undefined): PostalAddress | null {
  if (!a || !(a.address_1 || a.city || a.postcode)) return null;
  return {
    name: [a.first_name, a.last_name].filter(Boolean).join(' ') || null,
    company: a.company || null,
    line1: a.address_1 || null,
    line2: a.address_2 || null,
    city: a.city || null,
    region: a.state || null,
    regionCode: a.state || null,
    postalCode: a.postcode || null,
    country: a.country || null,
    phone: a.phone || null,
  };
}
