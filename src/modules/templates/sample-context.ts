import { formatMoney } from '../../lib/money.ts';
import type { MessageContext } from './context.ts';
import { translate } from './translations.ts';

/**
 * Invented data for template previews (and for tests of the default templates): a two-line order with a
 * modification, a discount, tax and shipping, a shipment, a voucher, care tips and a return, in any locale.
 */
export function sampleContext(locale: string, overrides: Partial<MessageContext> = {}): MessageContext {
  const currency = { en: 'USD', 'pt-BR': 'BRL', es: 'EUR', sv: 'SEK' }[locale] ?? 'USD';
  const m = (minor: number) => formatMoney(minor, currency, locale);
  const date = (iso: string, opts: Intl.DateTimeFormatOptions) =>
    new Intl.DateTimeFormat(locale, { timeZone: 'UTC', ...opts }).format(new Date(iso));
  const base = 'https://shop.example';
  return {
    locale,
    shop: {
      name: 'Norrsken Home',
      logo_url: null,
      primary_color: '#234e52',
      accent_color: '#ed8936',
      support_email: 'help@norrsken-home.example',
      support_phone: '+46 8 123 456 00',
      address: 'Norrsken Home AB, Ljusgatan 7, 111 22 Stockholm',
      url: base,
    },
    customer: { first_name: 'Ana', last_name: 'Souza', name: 'Ana Souza', email: 'ana@example.com' },
    order: {
      number: '#1042',
      placed_on: date('2026-12-01T10:00:00Z', { dateStyle: 'long' }),
      lines: [
        {
          title: 'Stonewashed Linen Throw',
          variant: 'Moss',
          quantity: 1,
          properties: [],
          unit_price: m(8900),
          total: m(8900),
          image_url: null,
        },
        {
          title: 'Felted Wool Slippers',
          variant: '42',
          quantity: 2,
          properties: [{ name: 'Embroidery', value: 'A.S.' }],
          unit_price: m(5900),
          total: m(11800),
          image_url: null,
        },
      ],
      subtotal: m(20700),
      discount: m(2070),
      has_discount: true,
      discount_codes: 'WELCOME10',
      tax: m(3726),
      has_tax: true,
      taxes_included: true,
      shipping: m(590),
      shipping_method: 'Home delivery',
      total: m(19220),
      delivery_estimate: `${date('2026-12-03T12:00:00Z', { day: 'numeric', month: 'long' })} – ${date('2026-12-06T12:00:00Z', { day: 'numeric', month: 'long' })}`,
      shipping_address: 'Ana Souza, Rua das Acácias 120, 80010-000 Curitiba',
    },
    shipment: {
      carrier: 'PostNord',
      tracking_number: 'RR123456785SE',
      status: 'in_transit',
      delivered_on: null,
    },
    links: {
      tracking: `${base}/t/sample`,
      returns: `${base}/returns`,
      preferences: `${base}/p/sample`,
      unsubscribe: `${base}/u/sample`,
      shop: base,
      review: `${base}/r/sample`,
      survey: [1, 2, 3, 4, 5].map((score) => ({ score, url: `${base}/s/sample?score=${score}` })),
    },
    voucher: {
      code: 'THANKS-7Q2K9',
      value: m(2000),
      expires_on: date('2027-01-31T12:00:00Z', { dateStyle: 'long' }),
    },
    campaign: { name: 'Black Friday' },
    care: [
      {
        title: 'Stonewashed Linen Throw',
        tips: 'Wash at 40 °C with like colours. Line dry; linen softens with every wash.',
      },
      {
        title: 'Felted Wool Slippers',
        tips: 'Air them after wear. Spot clean with cold water; never tumble dry.',
      },
    ],
    return: {
      number: 'RK7M2Q9XA',
      status: 'resolved',
      resolution: 'store_credit',
      resolution_label: translate(locale, 'return_messages.resolutions.store_credit'),
      outcome: 'credited',
      in_review: false,
      ship_back: true,
      requested_on: date('2026-12-10T10:00:00Z', { dateStyle: 'long' }),
      ship_by: date('2026-12-24T12:00:00Z', { dateStyle: 'long' }),
      items: [{ title: 'Felted Wool Slippers', variant: '42', quantity: 1, total: m(5900) }],
      value: m(5900),
      refunded: m(5405),
      credited: m(6490),
      bonus: m(590),
      fee: null,
      shipping: m(495),
      voucher_code: 'RET-4KQ8-ZP2M',
      exchange_order_number: '#1042-EX1',
      carrier: 'PostNord',
      tracking_number: 'RR987654321SE',
      note: 'The slippers have been worn outdoors, so we cannot take them back.',
    },
    ...overrides,
  };
}
