import type { Config } from '../config.ts';
import { type Db, withTransaction } from '../db/pool.ts';
import { upsertProduct } from '../modules/catalog/index.ts';
import { enablePreset } from '../modules/journeys/manage.ts';
import { createMerchant, listMerchants } from '../modules/merchants/index.ts';
import { link, returnsPortalLink } from '../modules/messages/links.ts';
import { markOrderPaid, orderDataFromApi, upsertOrder } from '../modules/orders/index.ts';
import { upsertShipment } from '../modules/shipments/index.ts';
import { DEMO_CUSTOMERS, DEMO_MERCHANT, DEMO_PRODUCTS } from './content.ts';
import { scheduleWalkthroughStep } from './walkthrough.ts';

export interface DemoResult {
  merchantId: string;
  merchantName: string;
  /** The store's slug: `?shop=` on the lookup forms once more than one store lives here. */
  merchantSlug: string;
  apiKey: string;
  orders: number;
  /** Public pages to open first: the tracking page of a parcel on its way, the returns portal of a delivered order. */
  links: { tracking: string | null; returns: string | null };
  /** The order that walks from paid to delivered in the first minute (see walkthrough.ts). */
  live: { number: string; locale: string } | null;
}

/**
 * On an empty database, creates the demo store: a merchant with its brand, a small catalogue and a few
 * orders in every stage (placed, paid, shipped, delivered), one customer per language. Invented content.
 */
export async function seedDemo(opts: { db: Db; config: Config; now?: Date }): Promise<DemoResult | null> {
  if ((await listMerchants(opts.db)).length > 0) return null;
  const now = opts.now ?? new Date();
  const created = await createMerchant({ db: opts.db, config: opts.config, input: DEMO_MERCHANT });
  const merchantId = created.merchant.id;
  // The demo shows the whole series: the Reserva-style expectations journey and delivery day.
  for (const key of ['five_step_expectations', 'delivery_day', 'thank_you_voucher'])
    await enablePreset(opts.db, { merchantId, key });
  for (const product of DEMO_PRODUCTS)
    await upsertProduct({ db: opts.db, merchantId, source: 'demo', input: product });

  let n = 0;
  let live: DemoResult['live'] = null;
  const links: DemoResult['links'] = { tracking: null, returns: null };
  const pageLink = (orderId: string) =>
    link(opts.config.PUBLIC_URL, opts.config.SECRET_KEY, { k: 't', m: merchantId, o: orderId });
  for (const c of DEMO_CUSTOMERS) {
    n++;
    const placedAt = new Date(now.getTime() - c.daysAgo * 86_400_000);
    const data = orderDataFromApi(
      {
        number: `#${1000 + n}`,
        placedAt: placedAt.toISOString(),
        currency: DEMO_MERCHANT.currency,
        locale: c.locale,
        channel: c.channel,
        campaignTags: c.campaign ? [c.campaign] : [],
        tags: [],
        customer: {
          email: c.email,
          firstName: c.firstName,
          lastName: c.lastName,
          locale: c.locale,
          acceptsMarketing: c.marketing,
        },
        lines: c.items.map((i) => {
          const product = DEMO_PRODUCTS.find((p) => p.externalId === i.product)!;
          const variant = product.variants.find((v) => v.externalId === i.variant)!;
          return {
            productExternalId: product.externalId,
            variantExternalId: variant.externalId,
            sku: variant.sku,
            title: product.title,
            variantTitle: variant.title,
            brand: product.brand,
            size: variant.size,
            color: variant.color,
            properties: i.engraving ? [{ name: 'Embroidery', value: i.engraving }] : [],
            quantity: i.quantity,
            unitPrice: variant.price ?? 0,
            tax: Math.round(((variant.price ?? 0) * i.quantity * 20) / 120),
            imageUrl: product.imageUrl,
          };
        }),
        shipping: { method: c.shippingMethod, price: c.shippingPrice },
        discounts: c.discount ? [c.discount] : [],
        taxesIncluded: true,
        shippingAddress: c.address,
        promisedDelivery: {
          earliest: isoDay(placedAt, 3),
          latest: isoDay(placedAt, 6),
        },
        paymentStatus: 'pending',
      },
      c.address.country,
    );
    const orderId = await withTransaction(opts.db, async (tx) => {
      const r = await upsertOrder({
        tx,
        merchantId,
        source: 'demo',
        data,
        defaultLocale: DEMO_MERCHANT.locale,
      });
      return r.orderId;
    });
    if (c.stage === 'placed') continue;
    if (c.stage === 'live') {
      await withTransaction(opts.db, (tx) =>
        scheduleWalkthroughStep(
          tx,
          {
            merchantId,
            orderId,
            carrier: c.carrier,
            trackingNumber: c.tracking,
            step: 0,
          },
          opts.config,
        ),
      );
      live = { number: data.number, locale: c.locale };
      continue;
    }
    await markOrderPaid({ db: opts.db, merchantId, orderId, paidAt: new Date(placedAt.getTime() + 600_000) });
    if (c.stage === 'paid') continue;
    if (c.stage === 'shipped') links.tracking ??= pageLink(orderId);
    if (c.stage === 'delivered')
      links.returns ??= returnsPortalLink(
        opts.config.PUBLIC_URL,
        opts.config.SECRET_KEY,
        merchantId,
        orderId,
      );
    await withTransaction(opts.db, (tx) =>
      upsertShipment({
        tx,
        merchantId,
        source: 'demo',
        data: {
          orderId,
          externalId: `demo-${n}`,
          carrier: c.carrier,
          service: null,
          trackingNumber: c.tracking,
          trackingUrl: null,
          status: 'in_transit',
          lines: [],
          shippedAt: new Date(placedAt.getTime() + 86_400_000),
          sourceUpdatedAt: null,
        },
      }),
    );
    if (c.stage === 'delivered') {
      await withTransaction(opts.db, (tx) =>
        upsertShipment({
          tx,
          merchantId,
          source: 'demo',
          data: {
            orderId,
            externalId: `demo-${n}`,
            carrier: c.carrier,
            service: null,
            trackingNumber: c.tracking,
            trackingUrl: null,
            status: 'delivered',
            lines: [],
            shippedAt: new Date(placedAt.getTime() + 86_400_000),
            sourceUpdatedAt: new Date(placedAt.getTime() + 4 * 86_400_000),
          },
        }),
      );
    }
  }
  return {
    merchantId,
    merchantName: created.merchant.name,
    merchantSlug: created.merchant.slug,
    apiKey: created.apiKey,
    orders: n,
    links,
    live,
  };
}

function isoDay(from: Date, days: number): string {
  return new Date(from.getTime() + days * 86_400_000).toISOString().slice(0, 10);
}
