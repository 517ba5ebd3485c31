import type { PostalAddress } from '../../db/schema.ts';
import { normalizeEmail, normalizePhone } from '../../lib/contact.ts';
import { matchLocale } from '../../lib/i18n.ts';
import { toMinor } from '../../lib/money.ts';
import type { LineData, OrderData, PaymentStatus } from '../../modules/orders/index.ts';
import type { ShopifyAddress, ShopifyOrder } from './payloads.ts';

const PAYMENT: Record<string, PaymentStatus> = {
  pending: 'pending',
  authorized: 'authorized',
  partially_paid: 'partially_paid',
  paid: 'paid',
  partially_refunded: 'partially_refunded',
  refunded: 'refunded',
  voided: 'voided',
  expired: 'voided',
};

const CHANNEL: Record<string, string> = {
  web: 'web',
  pos: 'store',
  iphone: 'app',
  android: 'app',
  mobile_app: 'app',
  shopify_draft_order: 'phone',
  facebook: 'social',
  instagram: 'social',
  tiktok: 'social',
  amazon: 'marketplace',
  ebay: 'marketplace',
  mercado_libre: 'marketplace',
};

/** Shopify's order JSON (orders/create, orders/updated, ...) as our OrderData, money in minor units. */
export function mapShopifyOrder(o: ShopifyOrder): OrderData {
  const currency = o.currency.toUpperCase();
  const m = (v: string | number | null | undefined) =>
    v === null || v === undefined || v === '' ? 0 : toMinor(v, currency);
  const country = o.shipping_address?.country_code ?? o.billing_address?.country_code ?? null;
  const lines: LineData[] = o.line_items
    .map((li) => {
      const allocated = (li.discount_allocations ?? []).reduce((s, d) => s + m(d.amount), 0);
      return {
        externalId: li.id,
        productExternalId: li.product_id ?? null,
        variantExternalId: li.variant_id ?? null,
        sku: li.sku || null,
        title: li.title,
        variantTitle: li.variant_title || null,
        brand: li.vendor || null,
        size: null,
        color: null,
        // Properties starting with "_" are the storefront's private bookkeeping, not the customer's choices.
        properties: (li.properties ?? [])
          .filter((p) => !p.name.startsWith('_'))
          .map((p) => ({ name: p.name, value: String(p.value ?? '') })),
        quantity: li.quantity,
        unitPrice: m(li.price),
        discount: allocated || m(li.total_discount),
        tax: (li.tax_lines ?? []).reduce((s, t) => s + m(t.price), 0),
        taxLines: (li.tax_lines ?? []).map((t) => ({
          title: t.title ?? 'Tax',
          rate: t.rate ?? null,
          amount: m(t.price),
        })),
        requiresShipping: li.requires_shipping ?? true,
        imageUrl: null,
      };
    })
    .filter((l) => l.quantity > 0);
  const shipping = o.shipping_lines.reduce((s, l) => s + m(l.price), 0);
  const tags = (o.tags ?? '')
    .split(',')
    .map((t) => t.trim())
    .filter(Boolean);
  const email = normalizeEmail(o.email ?? o.customer?.email);
  const phone = normalizePhone(o.phone ?? o.customer?.phone ?? o.shipping_address?.phone, country);
  const locale = matchLocale(o.customer_locale ?? o.customer?.locale) ?? null;
  return {
    externalId: o.id,
    number: o.name || `#${o.order_number ?? o.id}`,
    placedAt: new Date(o.processed_at ?? o.created_at),
    currency,
    locale,
    channel: CHANNEL[o.source_name ?? 'web'] ?? 'other',
    campaignTags: campaignTags(o.landing_site, tags),
    tags,
    customer: {
      externalId: o.customer?.id ?? null,
      email,
      phone,
      firstName: o.customer?.first_name ?? o.billing_address?.first_name ?? null,
      lastName: o.customer?.last_name ?? o.billing_address?.last_name ?? null,
      locale,
      acceptsMarketing: o.buyer_accepts_marketing ?? o.customer?.accepts_marketing ?? null,
    },
    email,
    phone,
    lines,
    shippingMethod: o.shipping_lines[0]?.title ?? null,
    shippingLines: o.shipping_lines.map((l) => ({
      title: l.title ?? 'Shipping',
      code: l.code ?? null,
      price: m(l.price),
      tax: (l.tax_lines ?? []).reduce((s, t) => s + m(t.price), 0),
    })),
    discountCodes: o.discount_codes.map((d) => ({ code: d.code, amount: m(d.amount), type: d.type ?? null })),
    taxLines: o.tax_lines.map((t) => ({ title: t.title ?? 'Tax', rate: t.rate ?? null, amount: m(t.price) })),
    taxesIncluded: o.taxes_included ?? false,
    totals: {
      subtotal:
        o.total_line_items_price != null
          ? m(o.total_line_items_price)
          : lines.reduce((s, l) => s + l.quantity * l.unitPrice, 0),
      discount: m(o.total_discounts),
      tax: m(o.total_tax),
      shipping,
      total: m(o.total_price),
    },
    shippingAddress: mapAddress(o.shipping_address),
    billingAddress: mapAddress(o.billing_address),
    promisedEarliest: null,
    promisedLatest: null,
    note: o.note || null,
    paymentStatus: PAYMENT[o.financial_status ?? 'pending'] ?? 'pending',
    cancelledAt: o.cancelled_at ? new Date(o.cancelled_at) : null,
    cancelReason: o.cancel_reason ?? null,
    sourceUpdatedAt: o.updated_at ? new Date(o.updated_at) : null,
  };
}

function mapAddress(a: ShopifyAddress | null | undefined): PostalAddress | null {
  if (!a) return null;
  const name = a.name || [a.first_name, a.last_name].filter(Boolean).join(' ') || null;
  return {
    name,
    company: a.company || null,
    line1: a.address1 || null,
    line2: a.address2 || null,
    city: a.city || null,
    region: a.province || null,
    regionCode: a.province_code || null,
    postalCode: a.zip || null,
    country: a.country_code || null,
    countryName: a.country || null,
    phone: a.phone || null,
  };
}

/** Campaign tags: utm_campaign of the landing page, and order tags written as "campaign:<name>". */
function campaignTags(landingSite: string | null | undefined, tags: string[]): string[] {
  const out = new Set<string>();
  for (const t of tags) if (t.toLowerCase().startsWith('campaign:')) out.add(t.slice(9).trim().toLowerCase());
  if (landingSite) {
    try {
      const utm = new URL(landingSite, 'https://shop.invalid').searchParams.get('utm_campaign');
      if (utm) out.add(utm.trim().toLowerCase());
    } catch {
      // A malformed landing URL only means no campaign.
    }
  }
  return [...out].filter(Boolean);
}
