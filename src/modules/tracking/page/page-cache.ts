import type { Db } from '../../../db/pool.ts';
import type { Locale } from '../../../lib/i18n.ts';
import { TtlCache } from '../../../lib/ttl-cache.ts';
import { translate } from '../../templates/translations.ts';
import { localDate } from './dates.ts';
import { renderTrackingMain } from './render.ts';
import { loadOrderDetail, loadOrderHead, type PageVersion } from './repo.ts';
import { pageShell } from './shell.ts';
import { buildTrackingView } from './view.ts';

export interface RenderedPage {
  html: string;
  json: string;
}

/**
 * Rendered pages, kept while nothing they show has changed. The key is made of what the page depends on:
 * the version of the order, its shipments and the merchant's brand (their updated_at move on every change,
 * including each tracking scan; one small query reads them), the language and the merchant's calendar day
 * ("arrives today", "late" depend on it). A hit costs that one query and no rendering; a minute's TTL
 * bounds anything else (a customer's time zone edited by hand) and the memory used.
 */
export function createPageRenderer(db: Db) {
  const cache = new TtlCache<string, RenderedPage>(60_000, 5_000);
  return async (opts: {
    merchantId: string;
    orderId: string;
    version: PageVersion;
    locale: Locale;
    token: string;
    now: Date;
  }): Promise<RenderedPage | undefined> => {
    const { merchantId, orderId, version, locale, token, now } = opts;
    const key = [orderId, locale, token, version.version, localDate(now, version.merchantTimeZone)].join('|');
    const hit = cache.get(key);
    if (hit) return hit;
    const head = await loadOrderHead(db, merchantId, orderId);
    if (!head) return undefined;
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
