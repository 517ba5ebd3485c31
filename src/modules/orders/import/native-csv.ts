import { z } from 'zod';
import { normalizeEmail, normalizePhone } from '../../../lib/contact.ts';
import { matchLocale } from '../../../lib/i18n.ts';
import { isCurrency, toMinor } from '../../../lib/money.ts';
import { computeTotals } from '../totals.ts';
import type { LineData } from '../types.ts';
import type { ImportOrder, OrderRowReader, RejectedRow } from './types.ts';

/**
 * Afterglow's own CSV layout: one row per order line, order columns repeated on each line of the order,
 * rows of one order next to each other. Amounts are decimals in major units ("12.50"). See docs/import.md.
 */
export const NATIVE_COLUMNS = [
  'order_number',
  'placed_at',
  'currency',
  'email',
  'phone',
  'customer_id',
  'first_name',
  'last_name',
  'locale',
  'channel',
  'campaign_tags',
  'status',
  'payment_status',
  'shipping_method',
  'shipping_price',
  'taxes_included',
  'ship_country',
  'ship_region',
  'ship_city',
  'ship_postal_code',
  'sku',
  'product_id',
  'variant_id',
  'title',
  'variant_title',
  'brand',
  'size',
  'color',
  'quantity',
  'unit_price',
  'line_discount',
  'line_tax',
] as const;

const STATUSES = ['placed', 'shipped', 'delivered', 'cancelled'] as const;
const PAYMENTS = ['pending', 'authorized', 'paid', 'refunded', 'voided'] as const;

const orderColumns = z.object({
  order_number: z.string().min(1, 'order_number is empty'),
  placed_at: z.string().refine((s) => !Number.isNaN(Date.parse(s)), 'placed_at is not an ISO date-time'),
  currency: z.string().optional(),
  status: z
    .union([z.enum(STATUSES), z.literal('')], { error: `status is not one of ${STATUSES.join(', ')}` })
    .optional(),
  payment_status: z
    .union([z.enum(PAYMENTS), z.literal('')], {
      error: `payment_status is not one of ${PAYMENTS.join(', ')}`,
    })
    .optional(),
});

const DECIMAL = /^\d+(\.\d+)?$/;

interface OpenOrder {
  number: string;
  first: Record<string, string>;
  lines: LineData[];
  rows: number[];
  firstRowNumber: number;
}

export function nativeCsvReader(opts: { currency: string }): OrderRowReader {
  const rejected: RejectedRow[] = [];
  let open: OpenOrder | null = null;

  function finish(o: OpenOrder | null): ImportOrder[] {
    if (!o) return [];
    if (o.lines.length === 0) return [];
    const r = o.first;
    const currency = (r.currency || opts.currency).toUpperCase();
    const country = r.ship_country?.trim().toUpperCase() || null;
    const email = normalizeEmail(r.email);
    const phone = normalizePhone(r.phone, country);
    const taxesIncluded = /^(true|1|yes)$/i.test(r.taxes_included ?? '');
    const shipping = r.shipping_price ? toMinor(r.shipping_price, currency) : 0;
    const totals = computeTotals({
      lines: o.lines,
      orderDiscount: 0,
      shipping,
      shippingTax: 0,
      taxesIncluded,
    });
    const status = (r.status || 'delivered') as ImportOrder['status'];
    return [
      {
        status,
        rows: o.rows,
        data: {
          externalId: o.number,
          number: o.number,
          placedAt: new Date(r.placed_at!),
          currency,
          locale: matchLocale(r.locale) ?? null,
          channel: r.channel || 'web',
          campaignTags: (r.campaign_tags ?? '')
            .split('|')
            .map((t) => t.trim())
            .filter(Boolean),
          tags: [],
          customer: {
            externalId: r.customer_id || null,
            email,
            phone,
            firstName: r.first_name || null,
            lastName: r.last_name || null,
            locale: matchLocale(r.locale) ?? null,
          },
          email,
          phone,
          lines: o.lines,
          shippingMethod: r.shipping_method || null,
          shippingLines: shipping > 0 ? [{ title: r.shipping_method || 'Shipping', price: shipping }] : [],
          discountCodes: [],
          taxLines: [],
          taxesIncluded,
          totals,
          shippingAddress: country
            ? {
                country,
                region: r.ship_region || null,
                city: r.ship_city || null,
                postalCode: r.ship_postal_code || null,
              }
            : null,
          billingAddress: null,
          promisedEarliest: null,
          promisedLatest: null,
          note: null,
          paymentStatus: (r.payment_status || 'paid') as ImportOrder['data']['paymentStatus'],
          cancelledAt: status === 'cancelled' ? new Date(r.placed_at!) : null,
          cancelReason: null,
          sourceUpdatedAt: null,
        },
      },
    ];
  }

  function lineOf(r: Record<string, string>, currency: string): LineData | string {
    const quantity = Number(r.quantity);
    if (!r.title?.trim()) return 'title is empty';
    if (!Number.isInteger(quantity) || quantity <= 0)
      return `quantity "${r.quantity}" is not a positive whole number`;
    for (const column of ['unit_price', 'shipping_price', 'line_discount', 'line_tax'] as const) {
      const value = r[column] ?? '';
      if ((value !== '' || column === 'unit_price') && !DECIMAL.test(value))
        return `${column} "${value}" is not a non-negative decimal`;
    }
    if (r.currency && !isCurrency(r.currency.toUpperCase()))
      return `currency "${r.currency}" is not ISO 4217`;
    const productId = r.product_id || r.sku || null;
    return {
      externalId: null,
      productExternalId: productId,
      variantExternalId: r.variant_id || r.sku || productId,
      sku: r.sku || null,
      title: r.title.trim(),
      variantTitle: r.variant_title || null,
      brand: r.brand || null,
      size: r.size || null,
      color: r.color || null,
      properties: [],
      quantity,
      unitPrice: toMinor(r.unit_price!, currency),
      discount: r.line_discount ? toMinor(r.line_discount, currency) : 0,
      tax: r.line_tax ? toMinor(r.line_tax, currency) : 0,
      taxLines: [],
      requiresShipping: true,
      imageUrl: null,
    };
  }

  return {
    rejected,
    push(raw, rowNumber) {
      const r = raw as Record<string, string>;
      const out: ImportOrder[] = [];
      const number = (r.order_number ?? '').trim();
      if (!open || open.number !== number) {
        out.push(...finish(open));
        open = { number, first: r, lines: [], rows: [], firstRowNumber: rowNumber };
      }
      const order = orderColumns.safeParse(r);
      if (!order.success) {
        rejected.push({
          row: rowNumber,
          reason: order.error.issues.map((i) => i.message).join('; '),
          raw: Object.values(r).join(','),
        });
        return out;
      }
      const line = lineOf(r, (r.currency || open.first.currency || opts.currency).toUpperCase());
      if (typeof line === 'string')
        rejected.push({ row: rowNumber, reason: line, raw: Object.values(r).join(',') });
      else {
        // The order columns come from the order's first good row, not from a row that was rejected.
        if (open.lines.length === 0) open.first = r;
        open.lines.push(line);
        open.rows.push(rowNumber);
      }
      return out;
    },
    pendingFrom: () => open?.firstRowNumber ?? null,
    flush() {
      const out = finish(open);
      open = null;
      return out;
    },
  };
}
