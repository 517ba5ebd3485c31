import { createHmac } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { ROOT } from './processes.ts';

const FIXTURE = path.resolve(ROOT, '../shared/data/shopify_fixtures/rest_resource_fixtures/order.json');

type Json = Record<string, unknown>;

/**
 * Full Shopify orders/create payloads for load: Shopify's own order fixture (three line items with
 * properties, tax lines, shipping lines, discount codes, customer, addresses, fulfilments) when
 * ../shared/data is present, else a synthetic order of the same shape. Every payload gets its own order
 * id, number and line ids; customers repeat (one in `customers`) so both new and returning buyers occur.
 */
export function shopifyOrderFactory(opts: { secret: string; customers: number; prefix: string }) {
  const base: Json = existsSync(FIXTURE)
    ? (JSON.parse(readFileSync(FIXTURE, 'utf8')) as { order: Json }).order
    : synthetic();
  // A new order has not been fulfilled or refunded yet.
  base.fulfillments = [];
  base.refunds = [];
  base.fulfillment_status = null;
  const lines = base.line_items as Json[];
  return (i: number) => {
    const id = 9_000_000_000 + i;
    const c = i % opts.customers;
    const now = new Date(Date.UTC(2026, 0, 1) + i * 1000).toISOString();
    const order = {
      ...base,
      id,
      name: `#${opts.prefix}${i}`,
      order_number: i,
      email: `buyer${c}@bench.example`,
      created_at: now,
      updated_at: now,
      customer: { ...(base.customer as Json), id: 7_000_000 + c, email: `buyer${c}@bench.example` },
      line_items: lines.map((l, k) => ({ ...l, id: id * 10 + k })),
    };
    const body = JSON.stringify(order);
    const hmac = createHmac('sha256', opts.secret).update(body).digest('base64');
    return { body, hmac, webhookId: `${opts.prefix}-${i}` };
  };
}

function synthetic(): Json {
  const line = (k: number) => ({
    id: k,
    product_id: 632910392 + k,
    variant_id: 39072856 + k,
    title: `Product ${k}`,
    variant_title: 'M / Blue',
    sku: `SKU-${k}`,
    vendor: 'Brand',
    quantity: 1 + (k % 2),
    price: '199.00',
    total_discount: '0.00',
    requires_shipping: true,
    properties: [{ name: 'Engraving', value: 'Happy Birthday' }],
    tax_lines: [{ title: 'State Tax', price: '11.94', rate: 0.06 }],
  });
  const address = {
    first_name: 'Bob',
    last_name: 'Norman',
    address1: 'Chestnut Street 92',
    city: 'Louisville',
    province: 'Kentucky',
    province_code: 'KY',
    zip: '40202',
    country: 'United States',
    country_code: 'US',
    phone: '555-625-1199',
  };
  return {
    currency: 'USD',
    financial_status: 'paid',
    total_price: '409.94',
    subtotal_price: '398.00',
    total_line_items_price: '398.00',
    total_tax: '11.94',
    total_discounts: '0.00',
    taxes_included: false,
    source_name: 'web',
    tags: '',
    line_items: [line(1), line(2), line(3)],
    shipping_lines: [{ title: 'Free Shipping', code: 'Free Shipping', price: '0.00' }],
    discount_codes: [{ code: 'TENOFF', amount: '10.00' }],
    tax_lines: [{ title: 'State Tax', price: '11.94', rate: 0.06 }],
    customer: { first_name: 'Bob', last_name: 'Norman', accepts_marketing: false },
    shipping_address: address,
    billing_address: address,
  };
}
