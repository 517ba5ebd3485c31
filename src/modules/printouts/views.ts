/**
 * What the renderers draw: plain objects, no database rows, so a printout can be rendered (and tested)
 * from anything that fills these in. Money is in minor units of `currency`; images are PNG/JPEG bytes.
 */
import type { Locale } from '../../lib/i18n.ts';

export const SPECIAL_MARKS = ['fragile', 'perishable', 'oversized', 'insured'] as const;
export type SpecialMark = (typeof SPECIAL_MARKS)[number];

export interface PrintAddress {
  name?: string | null;
  company?: string | null;
  line1?: string | null;
  line2?: string | null;
  city?: string | null;
  region?: string | null;
  postalCode?: string | null;
  country?: string | null;
  phone?: string | null;
}

export interface MerchantBrand {
  name: string;
  logo?: Buffer;
  email?: string | null;
  phone?: string | null;
  address?: PrintAddress | null;
  /** Hex colour for rules and headings. */
  color?: string;
}

export interface SlipLine {
  title: string;
  sku?: string | null;
  variant?: string | null;
  quantity: number;
  unitPrice: number;
  /** Discount on the whole line. */
  discount: number;
  tax: number;
  marks?: SpecialMark[];
}

export interface PackingSlipView {
  locale: Locale;
  timeZone: string;
  merchant: MerchantBrand;
  order: {
    number: string;
    placedAt: Date;
    currency: string;
    paymentStatus: string;
    shippingMethod?: string | null;
    taxesIncluded: boolean;
    subtotal: number;
    discount: number;
    discountCodes?: string[];
    shipping: number;
    tax: number;
    total: number;
    refunded: number;
  };
  shipTo?: PrintAddress | null;
  lines: SlipLine[];
  /** Marks for the whole parcel (the union of the lines' marks and the order's own). */
  marks: SpecialMark[];
  carrierNotes?: string | null;
  returnPolicy?: string | null;
  /** The returns portal; drawn as a QR code and printed. */
  portalUrl: string;
}

export interface ExchangeView {
  locale: Locale;
  merchant: MerchantBrand;
  orderNumber: string;
  portalUrl: string;
}

export interface PackedByView {
  locale: Locale;
  merchant: MerchantBrand;
  packer: { name: string; story?: string | null; photo?: Buffer };
  note?: string | null;
  customerFirstName?: string | null;
}

export interface ReturnLabelView {
  locale: Locale;
  merchant: MerchantBrand;
  rma: string;
  orderNumber?: string | null;
  from: PrintAddress;
  to: PrintAddress;
  items: Array<{
    title: string;
    sku?: string | null;
    variant?: string | null;
    quantity: number;
    reason?: string | null;
  }>;
  /** Where to drop the parcel ("any PostNord agent", "Correios"); a generic sentence when absent. */
  dropOff?: string | null;
  /** Replaces the default steps when given. */
  instructions?: string[];
  /** Encoded in the QR code; the RMA number itself when absent. */
  qrPayload?: string;
}

/** Everything printed for one order: the slip, the exchange instructions and, when packed by someone, the card. */
export interface OrderPrintouts {
  slip: PackingSlipView;
  exchange: ExchangeView;
  packedBy?: PackedByView;
}
