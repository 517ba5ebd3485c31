import type { DiscountCode, LineProperty, PostalAddress, ShippingLine, TaxLine } from '../../db/schema.ts';
import type { CustomerFacts } from '../customers/index.ts';
import type { PaymentStatus } from './status.ts';

/**
 * An order as every source (REST, Shopify, WooCommerce, import) hands it to upsertOrder: already mapped,
 * money in minor units, email and phone normalised. Mappers produce it; nothing downstream knows the source.
 */
export interface OrderData {
  externalId: string;
  number: string;
  placedAt: Date;
  currency: string;
  locale: string | null;
  channel: string;
  campaignTags: string[];
  tags: string[];
  customer: CustomerFacts;
  email: string | null;
  phone: string | null;
  lines: LineData[];
  shippingMethod: string | null;
  shippingLines: ShippingLine[];
  discountCodes: DiscountCode[];
  taxLines: TaxLine[];
  taxesIncluded: boolean;
  totals: OrderTotals;
  shippingAddress: PostalAddress | null;
  billingAddress: PostalAddress | null;
  promisedEarliest: string | null;
  promisedLatest: string | null;
  note: string | null;
  paymentStatus: PaymentStatus;
  cancelledAt: Date | null;
  cancelReason: string | null;
  /** The source's own last-modified time; an update older than what we have is ignored. */
  sourceUpdatedAt: Date | null;
}

export interface LineData {
  externalId: string | null;
  productExternalId: string | null;
  variantExternalId: string | null;
  sku: string | null;
  title: string;
  variantTitle: string | null;
  brand: string | null;
  size: string | null;
  color: string | null;
  properties: LineProperty[];
  quantity: number;
  unitPrice: number;
  discount: number;
  tax: number;
  taxLines: TaxLine[];
  requiresShipping: boolean;
  imageUrl: string | null;
}

export interface OrderTotals {
  subtotal: number;
  discount: number;
  tax: number;
  shipping: number;
  total: number;
}
