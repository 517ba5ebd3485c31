import type { FastifyInstance, FastifyReply } from 'fastify';
import { withTransaction } from '../../db/pool.ts';
import type { AppDeps } from '../../http/deps.ts';
import { html, type PageBrand, sendPage } from '../../http/page.ts';
import { now } from '../../lib/clock.ts';
import { AppError } from '../../lib/errors.ts';
import { localeFromAcceptLanguage, matchLocale } from '../../lib/i18n.ts';
import { answerSurvey } from '../feedback/surveys.ts';
import { findMerchant, type MerchantRow } from '../merchants/index.ts';
import { translate } from '../templates/translations.ts';
import { readLink } from './links.ts';
import { addMessageEvent, marketingConsent, setConsent, updateMessage } from './repo.ts';

const CHANNELS = ['email', 'sms', 'whatsapp'] as const;
const GIF = Buffer.from('R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7', 'base64');

function brand(m: MerchantRow): PageBrand {
  return { name: m.name, logoUrl: m.logo_url, primary: m.brand_primary, accent: m.brand_accent };
}

/**
 * The public pages behind links in messages, reached by signed tokens: the preference page, one-click
 * unsubscribe (RFC 8058), one-click survey answers, click tracking and the open pixel. A bad or forged
 * token gets a plain 404 that says nothing about what exists.
 */
export function registerMessagePages(app: FastifyInstance, deps: AppDeps): void {
  const key = deps.config.SECRET_KEY;
  const notFound = (reply: FastifyReply) =>
    reply.status(404).type('text/plain; charset=utf-8').send('This link is not valid.');
  const localeOf = async (merchant: MerchantRow, customerId: string | null, accept: string | undefined) => {
    const c = customerId
      ? await deps.db
          .selectFrom('customers')
          .select('locale')
          .where('merchant_id', '=', merchant.id)
          .where('id', '=', customerId)
          .executeTakeFirst()
      : undefined;
    return matchLocale(c?.locale) ?? localeFromAcceptLanguage(accept) ?? matchLocale(merchant.locale) ?? 'en';
  };

  app.get<{ Params: { token: string } }>('/p/:token', async (request, reply) => {
    const link = readLink(request.params.token, key, 'p');
    const merchant = link ? await findMerchant(deps.db, link.m) : undefined;
    if (!link || !merchant || !link.c) return notFound(reply);
    const locale = await localeOf(merchant, link.c, request.headers['accept-language']);
    const t = (k: string) => translate(locale, `pages.${k}`, { shop: merchant.name });
    const consents = await Promise.all(
      CHANNELS.map(async (ch) => [ch, await marketingConsent(deps.db, merchant.id, link.c, ch)] as const),
    );
    const saved = (request.query as { saved?: string }).saved === '1';
    return sendPage(reply, {
      lang: locale,
      title: t('preferences.title'),
      brand: brand(merchant),
      body: html`<h1>${t('preferences.title')}</h1>
<p>${t('preferences.intro')}</p>
${saved ? html`<p role="status"><strong>${t('preferences.saved')}</strong></p>` : ''}
<form method="post">
${consents.map(([ch, on]) => html`<label><input type="checkbox" name="${ch}" value="on" ${on ? html`checked` : ''}> ${t(`preferences.${ch}`)}</label>`)}
<p class="muted">${t('preferences.transactional')}</p>
<button type="submit">${t('preferences.save')}</button>
</form>`,
    });
  });

  app.post<{ Params: { token: string }; Body: Record<string, string> }>(
    '/p/:token',
    async (request, reply) => {
      const link = readLink(request.params.token, key, 'p');
      if (!link?.c || !(await findMerchant(deps.db, link.m))) return notFound(reply);
      const body = (request.body ?? {}) as Record<string, string>;
      await withTransaction(deps.db, async (tx) => {
        for (const ch of CHANNELS) {
          await setConsent(tx, {
            merchantId: link.m,
            customerId: link.c,
            channel: ch,
            granted: body[ch] === 'on',
            source: 'preference_page',
          });
        }
      });
      return reply.redirect(`/p/${request.params.token}?saved=1`, 303);
    },
  );

  const unsubscribe = async (token: string) => {
    const link = readLink(token, key, 'u');
    if (!link?.c) return null;
    await withTransaction(deps.db, async (tx) => {
      await setConsent(tx, {
        merchantId: link.m,
        customerId: link.c,
        channel: link.ch,
        granted: false,
        source: 'unsubscribe',
      });
      if (link.msg)
        await addMessageEvent(tx, { merchantId: link.m, messageId: link.msg, type: 'unsubscribed' }).catch(
          () => {},
        );
    });
    return link;
  };

  // RFC 8058: the mail client POSTs "List-Unsubscribe=One-Click"; no confirmation page, no login.
  app.post<{ Params: { token: string } }>('/u/:token', async (request, reply) => {
    const link = await unsubscribe(request.params.token);
    if (!link) return notFound(reply);
    const merchant = await findMerchant(deps.db, link.m);
    if (
      !merchant ||
      request.headers['content-type']?.includes('application/x-www-form-urlencoded') !== true
    ) {
      return reply.status(200).send({ unsubscribed: true });
    }
    const locale = await localeOf(merchant, link.c, request.headers['accept-language']);
    const t = (k: string) => translate(locale, `pages.${k}`, { shop: merchant.name });
    return sendPage(reply, {
      lang: locale,
      title: t('unsubscribe.done_title'),
      brand: brand(merchant),
      body: html`<h1>${t('unsubscribe.done_title')}</h1><p>${t('unsubscribe.done')}</p>`,
    });
  });

  // A GET (a person clicking the footer link, or a link scanner) only shows the button: it changes nothing.
  app.get<{ Params: { token: string } }>('/u/:token', async (request, reply) => {
    const link = readLink(request.params.token, key, 'u');
    const merchant = link ? await findMerchant(deps.db, link.m) : undefined;
    if (!link || !merchant) return notFound(reply);
    const locale = await localeOf(merchant, link.c, request.headers['accept-language']);
    const t = (k: string) => translate(locale, `pages.${k}`, { shop: merchant.name });
    return sendPage(reply, {
      lang: locale,
      title: t('unsubscribe.title'),
      brand: brand(merchant),
      body: html`<h1>${t('unsubscribe.title')}</h1><p>${t('unsubscribe.intro')}</p>
<form method="post"><input type="hidden" name="List-Unsubscribe" value="One-Click"><button type="submit">${t('unsubscribe.button')}</button></form>`,
    });
  });

  app.get<{ Params: { token: string }; Querystring: { score?: string } }>(
    '/s/:token',
    async (request, reply) => {
      const link = readLink(request.params.token, key, 's');
      const merchant = link ? await findMerchant(deps.db, link.m) : undefined;
      if (!link || !merchant) return notFound(reply);
      const score = request.query.score === undefined ? undefined : Number(request.query.score);
      let answered: { kind: string; score: number | null };
      try {
        answered = await withTransaction(deps.db, (tx) =>
          answerSurvey(tx, { merchantId: merchant.id, surveyId: link.s, score, now: now() }),
        );
      } catch (err) {
        if (err instanceof AppError && err.status < 500)
          return reply.status(err.status).type('text/plain; charset=utf-8').send(err.message);
        throw err;
      }
      const survey = await deps.db
        .selectFrom('surveys')
        .select('customer_id')
        .where('merchant_id', '=', merchant.id)
        .where('id', '=', link.s)
        .executeTakeFirst();
      const locale = await localeOf(
        merchant,
        survey?.customer_id ?? null,
        request.headers['accept-language'],
      );
      const t = (k: string) => translate(locale, `pages.${k}`, { shop: merchant.name });
      return sendPage(reply, {
        lang: locale,
        title: t('survey.thanks_title'),
        brand: brand(merchant),
        body: html`<h1>${t('survey.thanks_title')}</h1>
<p>${answered.score !== null && answered.score <= 2 ? t('survey.sorry') : t('survey.thanks')}</p>
<form method="post"><label for="comment">${t('survey.comment')}</label><textarea id="comment" name="comment" maxlength="2000"></textarea>
<p><button type="submit">${t('survey.send')}</button></p></form>`,
      });
    },
  );

  app.post<{ Params: { token: string }; Body: { comment?: string } }>('/s/:token', async (request, reply) => {
    const link = readLink(request.params.token, key, 's');
    const merchant = link ? await findMerchant(deps.db, link.m) : undefined;
    if (!link || !merchant) return notFound(reply);
    const comment = String((request.body as { comment?: unknown } | undefined)?.comment ?? '').slice(0, 2000);
    await withTransaction(deps.db, (tx) =>
      answerSurvey(tx, { merchantId: merchant.id, surveyId: link.s, comment, now: now() }),
    );
    const locale =
      localeFromAcceptLanguage(request.headers['accept-language']) ?? matchLocale(merchant.locale) ?? 'en';
    const t = (k: string) => translate(locale, `pages.${k}`, { shop: merchant.name });
    return sendPage(reply, {
      lang: locale,
      title: t('survey.thanks_title'),
      brand: brand(merchant),
      body: html`<h1>${t('survey.thanks_title')}</h1><p>${t('survey.comment_saved')}</p>`,
    });
  });

  app.get<{ Params: { token: string } }>('/c/:token', async (request, reply) => {
    const link = readLink(request.params.token, key, 'c');
    if (!link || !/^https?:\/\//.test(link.u)) return notFound(reply);
    await recordEngagement(deps, link.m, link.msg, 'clicked', { url: link.u });
    return reply.redirect(link.u, 302);
  });

  app.get<{ Params: { token: string } }>('/o/:token', async (request, reply) => {
    const link = readLink(request.params.token, key, 'o');
    if (link) await recordEngagement(deps, link.m, link.msg, 'opened', {});
    return reply.header('cache-control', 'no-store').type('image/gif').send(GIF);
  });
}

async function recordEngagement(
  deps: AppDeps,
  merchantId: string,
  messageId: string,
  type: 'opened' | 'clicked',
  detail: Record<string, unknown>,
) {
  await withTransaction(deps.db, async (tx) => {
    const m = await tx
      .selectFrom('messages')
      .select(['opened_at', 'clicked_at'])
      .where('merchant_id', '=', merchantId)
      .where('id', '=', messageId)
      .executeTakeFirst();
    if (!m) return;
    await addMessageEvent(tx, { merchantId, messageId, type, detail });
    const column = type === 'opened' ? 'opened_at' : 'clicked_at';
    if (!m[column]) await updateMessage(tx, merchantId, messageId, { [column]: new Date() });
  });
}
