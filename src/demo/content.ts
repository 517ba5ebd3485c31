import type { ProductInput } from '../modules/catalog/index.ts';
import type { MerchantCreateInput } from '../modules/merchants/index.ts';

/** The demo store. Everything here is invented for the demo; no real shop, person or address. */
export const DEMO_MERCHANT: MerchantCreateInput = {
  name: 'Norrsken Home',
  locale: 'en',
  currency: 'EUR',
  timezone: 'Europe/Stockholm',
  brandPrimary: '#234e52',
  brandAccent: '#ed8936',
  supportEmail: 'help@norrsken-home.example',
  supportPhone: '+46 8 123 456 00',
  senderName: 'Norrsken Home',
  senderEmail: 'hello@norrsken-home.example',
  postalAddress: {
    name: 'Norrsken Home AB',
    line1: 'Ljusgatan 7',
    city: 'Stockholm',
    postalCode: '111 22',
    country: 'SE',
  },
};

const v = (
  externalId: string,
  title: string,
  price: number,
  extra: Partial<ProductInput['variants'][number]> = {},
) => ({
  externalId,
  sku: externalId,
  title,
  price,
  inventory: 25,
  ...extra,
});

export const DEMO_PRODUCTS: (ProductInput & {
  variants: Array<ProductInput['variants'][number] & { externalId: string; sku: string }>;
})[] = [
  {
    externalId: 'linen-throw',
    title: 'Stonewashed Linen Throw',
    brand: 'Norrsken',
    category: 'textiles',
    tags: ['linen', 'bestseller'],
    careTips:
      'Wash at 40 °C with like colours and a mild detergent. Tumble dry low or line dry; linen softens with every wash. Iron while slightly damp if you like it crisp.',
    variants: [v('LT-SAND', 'Sand', 8900, { color: 'Sand' }), v('LT-MOSS', 'Moss', 8900, { color: 'Moss' })],
  },
  {
    externalId: 'wool-slippers',
    title: 'Felted Wool Slippers',
    brand: 'Norrsken',
    category: 'footwear',
    tags: ['wool', 'fits'],
    careTips:
      'Air them after wear and brush off dust. Spot clean with cold water; never machine wash or tumble dry.',
    variants: [
      v('WS-38', '38', 5900, { size: '38', color: 'Grey' }),
      v('WS-40', '40', 5900, { size: '40', color: 'Grey' }),
      v('WS-42', '42', 5900, { size: '42', color: 'Grey' }),
    ],
  },
  {
    externalId: 'stoneware-mug',
    title: 'Hand-thrown Stoneware Mug',
    brand: 'Lera Studio',
    category: 'kitchen',
    tags: ['ceramics', 'fragile'],
    careTips: 'Dishwasher safe. Avoid sudden temperature changes: do not pour boiling water into a cold mug.',
    variants: [v('MUG-FOG', 'Fog', 2400, { color: 'Fog' }), v('MUG-RUST', 'Rust', 2400, { color: 'Rust' })],
  },
  {
    externalId: 'beeswax-candle',
    title: 'Beeswax Pillar Candle',
    brand: 'Norrsken',
    category: 'home',
    tags: ['candles'],
    careTips:
      'Trim the wick to 5 mm before each lighting and burn for at least two hours so the pool reaches the edge.',
    variants: [v('CANDLE-S', 'Small', 1600, { size: 'S' }), v('CANDLE-L', 'Large', 2900, { size: 'L' })],
  },
];

interface DemoCustomer {
  email: string;
  firstName: string;
  lastName: string;
  locale: 'en' | 'pt-BR' | 'es' | 'sv';
  marketing: boolean;
  channel: 'web' | 'store' | 'app';
  campaign?: string;
  daysAgo: number;
  /** 'live': placed as the demo starts, then walked to delivered a step every few seconds (walkthrough.ts). */
  stage: 'placed' | 'paid' | 'shipped' | 'delivered' | 'live';
  carrier: string;
  tracking: string;
  shippingMethod: string;
  shippingPrice: number;
  discount?: { code: string; amount: number };
  address: { name: string; line1: string; city: string; postalCode: string; country: string };
  items: Array<{ product: string; variant: string; quantity: number; engraving?: string }>;
}

export const DEMO_CUSTOMERS: DemoCustomer[] = [
  {
    email: 'astrid.lind@example.com',
    firstName: 'Astrid',
    lastName: 'Lind',
    locale: 'sv',
    marketing: true,
    channel: 'web',
    daysAgo: 6,
    stage: 'delivered',
    carrier: 'PostNord',
    tracking: 'RR123456785SE',
    shippingMethod: 'PostNord MyPack Home',
    shippingPrice: 590,
    address: {
      name: 'Astrid Lind',
      line1: 'Vintervägen 3',
      city: 'Uppsala',
      postalCode: '753 20',
      country: 'SE',
    },
    items: [
      { product: 'linen-throw', variant: 'LT-MOSS', quantity: 1 },
      { product: 'beeswax-candle', variant: 'CANDLE-L', quantity: 2 },
    ],
  },
  {
    email: 'joao.pereira@example.com',
    firstName: 'João',
    lastName: 'Pereira',
    locale: 'pt-BR',
    marketing: true,
    channel: 'app',
    campaign: 'black-friday',
    daysAgo: 3,
    stage: 'shipped',
    carrier: 'Correios',
    tracking: 'OJ876543216BR',
    shippingMethod: 'Correios SEDEX',
    shippingPrice: 1290,
    discount: { code: 'BLACKFRIDAY', amount: 1000 },
    address: {
      name: 'João Pereira',
      line1: 'Rua das Acácias, 120',
      city: 'Curitiba',
      postalCode: '80010-000',
      country: 'BR',
    },
    items: [{ product: 'wool-slippers', variant: 'WS-42', quantity: 1, engraving: 'J.P.' }],
  },
  {
    email: 'lucia.moreno@example.com',
    firstName: 'Lucía',
    lastName: 'Moreno',
    locale: 'es',
    marketing: false,
    channel: 'web',
    daysAgo: 1,
    stage: 'paid',
    carrier: 'Correos',
    tracking: 'PQ246813576ES',
    shippingMethod: 'Correos Paq Estándar',
    shippingPrice: 490,
    address: {
      name: 'Lucía Moreno',
      line1: 'Calle del Olivo 14',
      city: 'Valencia',
      postalCode: '46001',
      country: 'ES',
    },
    items: [{ product: 'stoneware-mug', variant: 'MUG-RUST', quantity: 2 }],
  },
  {
    email: 'sam.okafor@example.com',
    firstName: 'Sam',
    lastName: 'Okafor',
    locale: 'en',
    marketing: true,
    channel: 'store',
    daysAgo: 0,
    stage: 'placed',
    carrier: 'DHL',
    tracking: '',
    shippingMethod: 'Standard delivery',
    shippingPrice: 0,
    address: {
      name: 'Sam Okafor',
      line1: '12 Harbour Row',
      city: 'Bristol',
      postalCode: 'BS1 4RN',
      country: 'GB',
    },
    items: [
      { product: 'wool-slippers', variant: 'WS-40', quantity: 1 },
      { product: 'stoneware-mug', variant: 'MUG-FOG', quantity: 1 },
    ],
  },
  {
    email: 'beatriz.souza@example.com',
    firstName: 'Beatriz',
    lastName: 'Souza',
    locale: 'pt-BR',
    marketing: true,
    channel: 'web',
    daysAgo: 0,
    stage: 'live',
    carrier: 'Correios',
    tracking: 'OJ135792461BR',
    shippingMethod: 'Correios PAC',
    shippingPrice: 890,
    address: {
      name: 'Beatriz Souza',
      line1: 'Avenida Beira-Mar, 455',
      city: 'Florianópolis',
      postalCode: '88015-000',
      country: 'BR',
    },
    items: [
      { product: 'stoneware-mug', variant: 'MUG-RUST', quantity: 2 },
      { product: 'wool-slippers', variant: 'WS-38', quantity: 1, engraving: 'B.S.' },
    ],
  },
];
