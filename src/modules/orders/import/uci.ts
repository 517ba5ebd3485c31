import { DateTime } from 'luxon';
import { toMinor } from '../../../lib/money.ts';
import { computeTotals } from '../totals.ts';
import type { LineData } from '../types.ts';
import { countryCode } from './countries.ts';
import type { ImportOrder, OrderRowReader, RejectedRow } from './types.ts';

/** Stock codes that are not merchandise in the UCI Online Retail data. */
const SHIPPING_CODES = new Set(['POST', 'DOT', 'C2']);
const DISCOUNT_CODES = new Set(['D']);
const FEE_CODES = new Set(['AMAZONFEE', 'BANK CHARGES', 'CRUK', 'B', 'ADJUST', 'ADJUST2']);

export const UCI_HEADERS = [
  'InvoiceNo',
  'StockCode',
  'Description',
  'Quantity',
  'InvoiceDate',
  'UnitPrice',
  'CustomerID',
  'Country',
];
export const UCI_II_HEADERS = [
  'Invoice',
  'StockCode',
  'Description',
  'Quantity',
  'InvoiceDate',
  'Price',
  'Customer ID',
  'Country',
];

export function isUciHeader(header: string[]): boolean {
  const h = new Set(header.map((x) => x.trim()));
  return UCI_HEADERS.every((c) => h.has(c)) || UCI_II_HEADERS.every((c) => h.has(c));
}

interface OpenOrder {
  invoice: string;
  firstRow: Record<string, string>;
  lines: LineData[];
  shipping: number;
  discount: number;
  rows: number[];
  firstRowNumber: number;
}

/**
 * The UCI Online Retail layout (one row per invoice line, invoices contiguous, UK local time, GBP) read as
 * order history. Cancellation invoices ("C…"), non-positive quantities, negative prices and fee lines are
 * rejected with a reason; postage lines become the order's shipping.
 */
export function uciReader(opts: { currency: string }): OrderRowReader {
  const rejected: RejectedRow[] = [];
  let open: OpenOrder | null = null;
  const reject = (row: number, reason: string, r: Record<string, string>) =>
    rejected.push({ row, reason, raw: Object.values(r).join(',') });

  function finish(o: OpenOrder | null): ImportOrder[] {
    if (!o) return [];
    if (o.lines.length === 0) {
      for (const row of o.rows)
        rejected.push({ row, reason: `invoice ${o.invoice} has no merchandise lines`, raw: '' });
      return [];
    }
    const r = o.firstRow;
    const placedAt = DateTime.fromFormat(r.InvoiceDate ?? '', 'yyyy-MM-dd HH:mm:ss', {
      zone: 'Europe/London',
    });
    if (!placedAt.isValid) {
      for (const row of o.rows)
        rejected.push({ row, reason: `invoice date "${r.InvoiceDate}" is not YYYY-MM-DD HH:MM:SS`, raw: '' });
      return [];
    }
    const customerId = (r.CustomerID ?? r['Customer ID'] ?? '').replace(/\.0+$/, '').trim();
    const country = (r.Country ?? '').trim();
    const totals = computeTotals({
      lines: o.lines,
      orderDiscount: o.discount,
      shipping: o.shipping,
      shippingTax: 0,
      taxesIncluded: true,
    });
    return [
      {
        status: 'delivered',
        rows: o.rows,
        data: {
          externalId: o.invoice,
          number: o.invoice,
          placedAt: placedAt.toJSDate(),
          currency: opts.currency,
          locale: null,
          channel: 'web',
          campaignTags: [],
          tags: [],
          customer: { externalId: customerId || null },
          email: null,
          phone: null,
          lines: o.lines,
          shippingMethod: o.shipping > 0 ? 'Postage' : null,
          shippingLines: o.shipping > 0 ? [{ title: 'Postage', price: o.shipping }] : [],
          discountCodes: [],
          taxLines: [],
          taxesIncluded: true,
          totals,
          shippingAddress: country ? { countryName: country, country: countryCode(country) } : null,
          billingAddress: null,
          promisedEarliest: null,
          promisedLatest: null,
          note: null,
          paymentStatus: 'paid',
          cancelledAt: null,
          cancelReason: null,
          sourceUpdatedAt: null,
        },
      },
    ];
  }

  return {
    rejected,
    push(raw, rowNumber) {
      const r = raw as Record<string, string>;
      const invoice = (r.InvoiceNo ?? r.Invoice ?? '').trim();
      const out: ImportOrder[] = [];
      if (!open || open.invoice !== invoice) {
        out.push(...finish(open));
        open = {
          invoice,
          firstRow: r,
          lines: [],
          shipping: 0,
          discount: 0,
          rows: [],
          firstRowNumber: rowNumber,
        };
      }
      const code = (r.StockCode ?? '').trim();
      const quantity = Number(r.Quantity);
      const priceText = (r.UnitPrice ?? r.Price ?? '').trim();
      if (!invoice) reject(rowNumber, 'no invoice number', r);
      else if (invoice.startsWith('C'))
        reject(rowNumber, 'cancellation invoice (a credit note, not an order)', r);
      else if (!Number.isInteger(quantity) || quantity <= 0)
        reject(rowNumber, `quantity "${r.Quantity}" is not a positive whole number`, r);
      else if (!/^-?\d+(\.\d+)?$/.test(priceText))
        reject(rowNumber, `unit price "${priceText}" is not a number`, r);
      else if (Number(priceText) < 0)
        reject(rowNumber, 'negative unit price (a bad-debt adjustment, not a sale)', r);
      else if (FEE_CODES.has(code)) reject(rowNumber, `stock code ${code} is a fee, not merchandise`, r);
      else if (SHIPPING_CODES.has(code)) {
        open.shipping += quantity * toMinor(priceText, opts.currency);
        open.rows.push(rowNumber);
      } else if (DISCOUNT_CODES.has(code)) {
        open.discount += quantity * toMinor(priceText, opts.currency);
        open.rows.push(rowNumber);
      } else if (!(r.Description ?? '').trim()) reject(rowNumber, 'no description', r);
      else {
        open.rows.push(rowNumber);
        open.lines.push({
          externalId: null,
          productExternalId: code,
          variantExternalId: code,
          sku: code,
          title: r.Description!.trim(),
          variantTitle: null,
          brand: null,
          size: null,
          color: null,
          properties: [],
          quantity,
          unitPrice: toMinor(priceText, opts.currency),
          discount: 0,
          tax: 0,
          taxLines: [],
          requiresShipping: true,
          imageUrl: null,
        });
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
