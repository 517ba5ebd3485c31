import { html } from '../../../http/page.ts';
import type { Locale } from '../../../lib/i18n.ts';
import type { MerchantRow } from '../../merchants/index.ts';
import { translate } from '../../templates/translations.ts';
import { languageNav } from '../../tracking/page/render.ts';
import { portalText } from './text.ts';

/** Finding the order to return: its number and the checkout email or delivery postal code. */
export function lookupPage(opts: {
  locale: Locale;
  merchant: MerchantRow;
  shop: string | undefined;
  number: string;
  error: 'not_found' | 'rate_limited' | null;
}): string {
  const { locale, merchant, shop, number, error } = opts;
  const t = portalText(locale, merchant.name);
  const query = shop ? `shop=${encodeURIComponent(shop)}` : '';
  return html`<section class="card" aria-labelledby="lookup">
<h1 id="lookup">${t('title')}</h1>
<p class="muted">${t('lookup_intro')}</p>
${error ? html`<p class="alert" role="alert">${t(error)}</p>` : ''}
<form method="post" action="/returns?${query}${query ? '&' : ''}lang=${locale}">
${shop ? html`<input type="hidden" name="shop" value="${shop}">` : ''}
<label for="number">${t('number')}</label>
<input id="number" name="number" value="${number}" required maxlength="100" autocomplete="off">
<label for="proof">${t('proof')}</label>
<input id="proof" name="proof" required maxlength="320" autocomplete="email">
<button class="button" type="submit">${t('find')}</button>
</form>
</section>
</main>
<footer class="site">${languageNav(locale, translate(locale, 'tracking.language'), query)}</footer>`.value;
}
