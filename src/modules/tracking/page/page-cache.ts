import type { Db } from '../../../db/pool.ts';
import type { Locale } from '../../../lib/i18n.ts';
import { TtlCache } from '../../../lib/ttl-cache.ts';
import { translate } from '../../templates/translations.ts';
import { localDate } from './dates.ts';
import { renderTrackingMain } from './render.ts';
import { loadOrderDetail, type OrderHead } from './repo.ts';
import { pageShell } from './shell.ts';
import { buildTrackingView } from './view.ts';

export interface RenderedPage {
  html: string;
  json: string;
}

/**
 * Rendered pages, kept while nothing they show has changed. The key is made of what the page depends on:
 * the order, each shipment and the merchant's brand (their updated_at move on every change, including each
 * tracking scan), the language and the merchant's calendar day ("arrives today", "late" depend on it).
 * A hit costs the three small reads of the head and no rendering; a minute's TTL bounds anything else
 * (a customer's time zone edited by hand) and the memory used.
 */
export function createPageRenderer(db: Db) {
  const cache = new TtlCache<string, RenderedPage>(60_000, 5_000);
  return async (opts: {
    head: OrderHead;
    locale: Locale;
    token: string;
    now: Date;
  }): Promise<RenderedPage> => {
    const { head, locale, token, now } = opts;
    const key = [
      head.order.id,
      locale,
      token,
      head.order.updated_at.getTime(),
      head.merchant.updated_at.getTime(),
      localDate(now, head.merchant.timezone),
      ...head.shipments.map((s) => `${s.id}@${s.updated_at.getTime()}`),
    ].join('|');
    const hit = cache.get(key);
    if (hit) return hit;
    const detail = await loadOrderDetail(db, head);
    const view = buildTrackingView({ head, detail, locale, token, now });
    const shell = pageShell(head.merchant, locale);
    const title = translate(locale, 'tracking.title', {
      number: head.order.number,
      shop: head.merchant.name,
    });
    const page = {
      html: `${shell.open(title)}${renderTrackingMain(view)}${shell.close}`,
      json: JSON.stringify(view),
    };
    cache.set(key, page);
    return page;
  };
}
