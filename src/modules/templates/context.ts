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
