import type { Config } from '../../config.ts';
import type { DbOrTx } from '../../db/pool.ts';
import type { PostalAddress } from '../../db/schema.ts';
import { NotFoundError, ValidationError } from '../../lib/errors.ts';
import { type Locale, matchLocale } from '../../lib/i18n.ts';
import { findProduct } from '../catalog/index.ts';
import { type CustomerRow, findCustomer } from '../customers/index.ts';
import { findMerchant, type MerchantRow } from '../merchants/index.ts';
import { link } from '../messages/links.ts';
import { findOrder, listLines, type OrderLineRow, type OrderRow } from '../orders/index.ts';
import { listShipmentsOfOrders } from '../shipments/index.ts';
import { imageFromDataUrl, type PrintoutSettings, policyFor, printoutSettings } from './settings.ts';
import {
  type MerchantBrand,
  type OrderPrintouts,
  type PrintAddress,
  SPECIAL_MARKS,
  type SpecialMark,
} from './views.ts';

export interface LoadPrintoutsInput {
  db: DbOrTx;
  config: Pick<Config, 'PUBLIC_URL' | 'SECRET_KEY'>;
  merchantId: string;
  /** Adds the "packed for you by" card for this packer (an id from settings.printouts.packers). */
  packerId?: string;
  /** Overrides the customer's locale. */
  locale?: string;
  /** A personal note for the card, instead of the packer's usual one. */
  note?: string;
}

/** The merchant's name, logo (data: URLs only, never fetched), contacts and colour, as printouts show them. */
export function merchantBrand(
  m: MerchantRow,
  settings: PrintoutSettings = printoutSettings(m.settings),
): MerchantBrand {
  return {
    name: m.name,
    logo: imageFromDataUrl(settings.logoDataUrl) ?? imageFromDataUrl(m.logo_url),
    email: m.support_email,
    phone: m.support_phone,
    address: toPrintAddress(m.postal_address),
    color: m.brand_primary,
  };
}

export function toPrintAddress(a: PostalAddress | null | undefined): PrintAddress | null {
  if (!a) return null;
  const { name, company, line1, line2, city, postalCode, country, phone } = a;
  return { name, company, line1, line2, city, region: a.regionCode || a.region, postalCode, country, phone };
}

/** What goes in the box for one order of this merchant; 404 when the order is not theirs. */
export async function loadPackingSlip(
  input: LoadPrintoutsInput & { orderId: string },
): Promise<OrderPrintouts> {
  const [one] = await loadPackingSlips({ ...input, orderIds: [input.orderId] });
  return one!;
}

/** Like loadPackingSlip for a pick list, in the order given; any order not found makes the whole batch 404. */
export async function loadPackingSlips(
  input: LoadPrintoutsInput & { orderIds: string[] },
): Promise<OrderPrintouts[]> {
  const { db, merchantId } = input;
  const merchant = await findMerchant(db, merchantId);
  if (!merchant) throw new NotFoundError('Merchant');
  const settings = printoutSettings(merchant.settings);
  const packer = input.packerId ? settings.packers.find((p) => p.id === input.packerId) : undefined;
  if (input.packerId && !packer)
    throw new ValidationError(
      `No packer "${input.packerId}" in the printout settings.`,
      undefined,
      'unknown_packer',
    );

  const ids = [...new Set(input.orderIds)];
  const found = await Promise.all(ids.map((id) => findOrder(db, merchantId, id)));
  const missing = ids.filter((_, i) => !found[i]);
  if (missing.length) throw new NotFoundError(missing.length === 1 ? 'Order' : 'Some orders', { missing });
  const orders = new Map((found as OrderRow[]).map((o) => [o.id, o]));

  const linesLoaded = listLines(db, merchantId, ids);
  const [lines, shipments, customers, productTags] = await Promise.all([
    linesLoaded,
    listShipmentsOfOrders(db, merchantId, ids),
    loadCustomers(db, merchantId, found as OrderRow[]),
    linesLoaded.then((l) => loadProductTags(db, merchantId, l)),
  ]);
  const linesOf = groupBy(lines, (l) => l.order_id);
  const shippedBy = new Map(
    shipments.map((s) => [s.order_id, [s.carrier, s.service].filter(Boolean).join(' ')]),
  );
  const marksFor = markResolver(settings.specialHandling);
  const brand = merchantBrand(merchant, settings);

  return input.orderIds.map((id) => {
    const o = orders.get(id)!;
    const customer = o.customer_id ? customers.get(o.customer_id) : undefined;
    const locale: Locale =
      matchLocale(input.locale) ??
      matchLocale(o.locale) ??
      matchLocale(customer?.locale) ??
      matchLocale(merchant.locale) ??
      'en';
    const portalUrl = settings.returnsPortalUrl
      ? settings.returnsPortalUrl.replaceAll('{number}', encodeURIComponent(o.number))
      : link(input.config.PUBLIC_URL, input.config.SECRET_KEY, { k: 't', m: merchantId, o: o.id });
    const slipLines = (linesOf.get(o.id) ?? []).map((l) => ({
      title: l.title,
      sku: l.sku,
      variant: l.variant_title ?? ([l.size, l.color].filter(Boolean).join(' / ') || null),
      quantity: l.quantity,
      unitPrice: l.unit_price_minor,
      discount: l.discount_minor,
      tax: l.tax_minor,
      marks: marksFor(l.product_id ? (productTags.get(l.product_id) ?? []) : []),
    }));
    const marks = SPECIAL_MARKS.filter(
      (m) => marksFor(o.tags).includes(m) || slipLines.some((l) => l.marks.includes(m)),
    );
    const printouts: OrderPrintouts = {
      slip: {
        locale,
        timeZone: merchant.timezone,
        merchant: brand,
        order: {
          number: o.number,
          placedAt: o.placed_at,
          currency: o.currency,
          paymentStatus: o.payment_status,
          shippingMethod: o.shipping_method ?? (shippedBy.get(o.id) || null),
          taxesIncluded: o.taxes_included,
          subtotal: o.subtotal_minor,
          discount: o.discount_minor,
          discountCodes: o.discount_codes.map((d) => d.code),
          shipping: o.shipping_minor,
          tax: o.tax_minor,
          total: o.total_minor,
          refunded: o.refunded_minor,
        },
        shipTo: toPrintAddress(o.shipping_address),
        lines: slipLines,
        marks,
        carrierNotes: o.note,
        returnPolicy: policyFor(settings.returnPolicy, locale) ?? null,
        portalUrl,
      },
      exchange: { locale, merchant: brand, orderNumber: o.number, portalUrl },
    };
    if (packer) {
      printouts.packedBy = {
        locale,
        merchant: brand,
        packer: { name: packer.name, story: packer.story, photo: imageFromDataUrl(packer.photoUrl) },
        note: input.note ?? packer.note,
        customerFirstName: customer?.first_name ?? o.shipping_address?.name?.split(' ')[0] ?? null,
      };
    }
    return printouts;
  });
}

function markResolver(map: Record<string, SpecialMark>): (tags: string[]) => SpecialMark[] {
  const lower = new Map(Object.entries(map).map(([tag, mark]) => [tag.toLowerCase(), mark]));
  return (tags) => {
    const marks = new Set(tags.map((t) => lower.get(t.toLowerCase())).filter((m): m is SpecialMark => !!m));
    return SPECIAL_MARKS.filter((m) => marks.has(m));
  };
}

async function loadCustomers(
  db: DbOrTx,
  merchantId: string,
  orders: OrderRow[],
): Promise<Map<string, CustomerRow>> {
  const ids = [...new Set(orders.map((o) => o.customer_id).filter((id): id is string => !!id))];
  const rows = await Promise.all(ids.map((id) => findCustomer(db, merchantId, id)));
  return new Map(rows.filter((r): r is CustomerRow => !!r).map((r) => [r.id, r]));
}

// The catalogue exposes products one at a time; a pick list has few distinct products, and these run in parallel.
async function loadProductTags(
  db: DbOrTx,
  merchantId: string,
  lines: OrderLineRow[],
): Promise<Map<string, string[]>> {
  const ids = [...new Set(lines.map((l) => l.product_id).filter((id): id is string => !!id))];
  const rows = await Promise.all(ids.map((id) => findProduct(db, merchantId, id)));
  return new Map(rows.filter((r) => !!r).map((r) => [r!.id, r!.tags]));
}

function groupBy<T>(items: T[], key: (t: T) => string): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    const list = out.get(k);
    if (list) list.push(item);
    else out.set(k, [item]);
  }
  return out;
}
