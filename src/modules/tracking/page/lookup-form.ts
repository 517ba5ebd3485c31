import { html } from '../../../http/page.ts';
import type { Locale } from '../../../lib/i18n.ts';
import type { MerchantRow } from '../../merchants/index.ts';
import { translate } from '../../templates/translations.ts';
import { languageNav } from './render.ts';

/** The /track form: order number and one proof field (email or postal code), with the lookup's answer. */
export function lookupForm(opts: {
  locale: Locale;
  merchant: MerchantRow;
  shop: string | undefined;
  number: string;
  error: 'not_found' | 'rate_limited' | null;
}): string {
  const { locale, merchant, shop, number, error } = opts;
  const t = (key: string) => translate(locale, `tracking.lookup.${key}`, { shop: merchant.name });
  const query = shop ? `shop=${encodeURIComponent(shop)}` : '';
  return html`<section class="card" aria-labelledby="lookup">
<h1 id="lookup">${t('title')}</h1>
<p class="muted">${t('intro')}</p>
${error ? html`<p class="alert" role="alert">${t(error)}</p>` : ''}
<form method="post" action="/track?${query}${query ? '&' : ''}lang=${locale}">
${shop ? html`<input type="hidden" name="shop" value="${shop}">` : ''}
<label for="number">${t('number')}</label>
<input id="number" name="number" value="${number}" required maxlength="100" autocomplete="off" inputmode="text">
<label for="proof">${t('proof')}</label>
<input id="proof" name="proof" required maxlength="320" autocomplete="email">
<button class="button" type="submit">${t('submit')}</button>
</form>
</section>
</main>
<footer class="site">${languageNav(locale, translate(locale, 'tracking.language'), query)}</footer>`.value;
}
