/**
 * What a message template can use. Names are snake_case like Shopify's Liquid objects; money and dates
 * arrive already formatted for the message's locale and time zone, so templates never do arithmetic.
 */
export interface MessageContext {
  locale: string;
  shop: {
    name: string;
    logo_url: string | null;
    primary_color: string;
    accent_color: string;
    support_email: string | null;
    support_phone: string | null;
    address: string | null;
    url: string;
  };
  customer: {
    first_name: string | null;
    last_name: string | null;
    name: string | null;
    email: string | null;
  };
  order: OrderContext | null;
  shipment: {
    carrier: string | null;
    tracking_number: string | null;
    status: string;
    delivered_on: string | null;
  } | null;
  links: {
    tracking: string | null;
    returns: string | null;
    preferences: string;
    unsubscribe: string;
    shop: string;
    review: string | null;
    /** One-click answers for the thermometer / product survey: five links, score 1 to 5. */
    survey: Array<{ score: number; url: string }>;
  };
  voucher: { code: string; value: string; expires_on: string | null } | null;
  campaign: { name: string } | null;
  /** Care and usage tips of the products on the order (from the catalogue). */
  care: Array<{ title: string; tips: string }>;
  /** The return (RMA) a return message is about; null in every other message. */
  return: ReturnContext | null;
}

/** A return as its messages show it: amounts formatted in the return's currency and the message's locale. */
export interface ReturnContext {
  number: string;
  status: string;
  /** What the customer chose (refund, store_credit, exchange_variant, ...) and its name in the locale. */
  resolution: string;
  resolution_label: string;
  /** How it ended, once resolved: refunded | credited | exchanged. */
  outcome: string | null;
  /** A person reviews the request before it is decided. */
  in_review: boolean;
  /** The customer sends a parcel back (not a returnless refund or "keep it"). */
  ship_back: boolean;
  requested_on: string;
  /** The last day to hand the parcel in, once approved. */
  ship_by: string | null;
  items: Array<{ title: string; variant: string | null; quantity: number; total: string }>;
  value: string;
  /** Formatted amounts, null when there is none. */
  refunded: string | null;
  credited: string | null;
  bonus: string | null;
  fee: string | null;
  shipping: string | null;
  voucher_code: string | null;
  /** The number of the order that ships the replacement, for exchanges. */
  exchange_order_number: string | null;
  /** The return label's carrier and tracking number, once issued. */
  carrier: string | null;
  tracking_number: string | null;
  /** Why the return was rejected (the note the merchant wrote). */
  note: string | null;
}

export interface OrderContext {
  number: string;
  placed_on: string;
  lines: Array<{
    title: string;
    variant: string | null;
    quantity: number;
    properties: Array<{ name: string; value: string }>;
    unit_price: string;
    total: string;
    image_url: string | null;
  }>;
  subtotal: string;
  discount: string;
  has_discount: boolean;
  discount_codes: string;
  tax: string;
  has_tax: boolean;
  taxes_included: boolean;
  shipping: string;
  shipping_method: string | null;
  total: string;
  /** "3–6 December" in the locale, or null when no window was promised. */
  delivery_estimate: string | null;
  shipping_address: string | null;
}
