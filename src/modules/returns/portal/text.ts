import type { Locale } from '../../../lib/i18n.ts';
import { formatMoney } from '../../../lib/money.ts';
import { translate } from '../../templates/translations.ts';
import type { Message } from '../policy/explain.ts';

/** The portal's words in the customer's language (locale files, key `returns.portal.*`). */
export function portalText(locale: Locale, shop: string) {
  return (key: string, vars: Record<string, unknown> = {}) =>
    translate(locale, `returns.portal.${key}`, { shop, ...vars });
}

/**
 * A policy decision or offer note as the customer reads it: the message key names the text in the locale
 * files (`returns.policy.*`), and amounts (parameters ending in Minor) are formatted in the order currency.
 */
export function explainIn(locale: Locale, message: Message): string {
  const currency = typeof message.params.currency === 'string' ? message.params.currency : null;
  const vars = Object.fromEntries(
    Object.entries(message.params).map(([name, value]) => [
      name,
      name.endsWith('Minor') && currency && typeof value === 'number'
        ? formatMoney(value, currency, locale)
        : value,
    ]),
  );
  return translate(locale, message.messageKey, vars);
}

export function reasonLabel(locale: Locale, reason: string, sub: string | null): string {
  const main = translate(locale, `returns.reasons.${reason}`);
  return sub ? `${main}: ${translate(locale, `returns.sub_reasons.${sub}`)}` : main;
}
