import rateLimit from '@fastify/rate-limit';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { AppDeps } from '../../../http/deps.ts';
import { html, sendPublicHtml } from '../../../http/page.ts';
import { now } from '../../../lib/clock.ts';
import { type Locale, localeFromAcceptLanguage, matchLocale } from '../../../lib/i18n.ts';
import type { MerchantRow } from '../../merchants/index.ts';
import { link, readLink } from '../../messages/links.ts';
import { translate } from '../../templates/translations.ts';
import { lookupForm } from './lookup-form.ts';
import { createMerchantResolver } from './merchant.ts';
import { createPageRenderer } from './page-cache.ts';
import { field, pickLocale, proofOf, shopOf } from './public-request.ts';
import { findOrderForLookup, loadPageVersion } from './repo.ts';
import { pageShell } from './shell.ts';
/**
 * The customer's tracking page, public and branded:
 *  - GET /t/{token}: the page for one order, reached from a signed link in a message (or the lookup);
 *    `?format=json` or `Accept: application/json` returns the same content for headless storefronts;
 *  - GET /track: a form asking for the order number and the checkout email or postal code;
 *  - POST /track: the lookup; rate-limited per client, and a wrong email answers exactly like an unknown
 *    number, so the form cannot be used to find out which orders exist.
 * Links inside the page are relative, so it works unchanged behind a merchant's own domain.
 */
export async function registerTrackingPages(app: FastifyInstance, deps: AppDeps): Promise<void> {
  const key = deps.config.SECRET_KEY;
  const resolveMerchant = createMerchantResolver(deps.db, new URL(deps.config.PUBLIC_URL).hostname);
  const render = createPageRenderer(deps.db);

  await app.register(rateLimit, { global: false });

  app.get<{ Params: { token: string }; Querystring: { lang?: string; format?: string } }>(
    '/t/:token',
    async (request, reply) => {
      const payload = readLink(request.params.token, key, 't');
      const version = payload ? await loadPageVersion(deps.db, payload.m, payload.o) : undefined;
      const locale =
        matchLocale(request.query.lang) ??
        matchLocale(version?.orderLocale) ??
        localeFromAcceptLanguage(request.headers['accept-language']) ??
        matchLocale(version?.merchantLocale) ??
        'en';
      const page =
        payload && version
          ? await render({
              merchantId: payload.m,
              orderId: payload.o,
              version,
              locale,
              token: request.params.token,
              now: now(),
            })
          : undefined;
      if (!page) {
        return wantsJson(request)
          ? reply
              .status(404)
              .send({ error: { code: 'not_found', message: 'This tracking link is not valid.' } })
          : reply.status(404).type('text/plain; charset=utf-8').send('This tracking link is not valid.');
      }
      reply.header('cache-control', 'private, no-cache').header('vary', 'Accept, Accept-Language');
      if (wantsJson(request)) {
        // Headless storefronts fetch this from their own origin; the token is the only credential.
        return reply.header('access-control-allow-origin', '*').type('application/json').send(page.json);
      }
      return sendPublicHtml(reply, 200, page.html);
    },
  );

  app.get<{ Querystring: { shop?: string; lang?: string; number?: string } }>(
    '/track',
    async (request, reply) => {
      const merchant = await resolveMerchant({ host: request.headers.host, shop: request.query.shop });
      const locale = pickLocale(request, merchant);
      if (!merchant) return noShop(reply, locale);
      return sendForm(reply, 200, merchant, locale, {
        shop: request.query.shop,
        number: request.query.number ?? '',
        error: null,
      });
    },
  );

  app.post<{ Querystring: { shop?: string; lang?: string }; Body: Record<string, unknown> | undefined }>(
    '/track',
    {
      config: {
        rateLimit: {
          max: deps.config.TRACK_LOOKUPS_PER_MINUTE,
          timeWindow: 60_000,
          errorResponseBuilder: (_req, ctx) => ({
            statusCode: 429,
            code: 'rate_limited',
            message: 'Too many lookups. Wait a minute and try again.',
            retryAfter: ctx.after,
          }),
        },
      },
      // The rate limiter throws; answer it in the same form the lookup would have answered.
      errorHandler: async (err: { statusCode?: number }, request, reply) => {
        if (err.statusCode !== 429) throw err;
        const merchant = await resolveMerchant({ host: request.headers.host, shop: shopOf(request) });
        const locale = pickLocale(request, merchant);
        if (wantsJson(request) || !merchant) {
          return reply.status(429).send({
            error: { code: 'rate_limited', message: translate(locale, 'tracking.lookup.rate_limited') },
          });
        }
        return sendForm(reply, 429, merchant, locale, {
          shop: shopOf(request),
          number: field(request.body, 'number'),
          error: 'rate_limited',
        });
      },
    },
    async (request, reply) => {
      const shop = shopOf(request);
      const merchant = await resolveMerchant({ host: request.headers.host, shop });
      const locale = pickLocale(request, merchant);
      if (!merchant) return noShop(reply, locale);
      const number = field(request.body, 'number');
      const proof = proofOf(request.body);
      if (!number || number.length > 100 || !proof) {
        if (wantsJson(request)) {
          return reply.status(400).send({
            error: {
              code: 'validation_failed',
              message: 'Send the order number and the email or postal code used at checkout.',
            },
          });
        }
        return sendForm(reply, 400, merchant, locale, { shop, number, error: 'not_found' });
      }
      const found = await findOrderForLookup(deps.db, merchant.id, number, proof);
      if (!found) {
        if (wantsJson(request)) {
          return reply.status(404).send({
            error: { code: 'order_not_found', message: translate(locale, 'tracking.lookup.not_found') },
          });
        }
        return sendForm(reply, 404, merchant, locale, { shop, number, error: 'not_found' });
      }
      const url = link('', key, { k: 't', m: merchant.id, o: found.id });
      if (wantsJson(request)) return reply.send({ url: `${deps.config.PUBLIC_URL}${url}`, path: url });
      const lang = matchLocale(request.query.lang);
      return reply.redirect(lang ? `${url}?lang=${encodeURIComponent(lang)}` : url, 303);
    },
  );
}

function wantsJson(request: FastifyRequest): boolean {
  const q = request.query as { format?: string };
  if (q.format === 'json') return true;
  const accept = request.headers.accept ?? '';
  return accept.includes('application/json') && !accept.includes('text/html');
}

function sendForm(
  reply: FastifyReply,
  status: number,
  merchant: MerchantRow,
  locale: Locale,
  form: { shop: string | undefined; number: string; error: 'not_found' | 'rate_limited' | null },
) {
  const shell = pageShell(merchant, locale);
  const title = translate(locale, 'tracking.lookup.title', { shop: merchant.name });
  return sendPublicHtml(
    reply,
    status,
    `${shell.open(title)}${lookupForm({ locale, merchant, ...form })}${shell.close}`,
  );
}

function noShop(reply: FastifyReply, locale: Locale) {
  return reply
    .status(404)
    .type('text/plain; charset=utf-8')
    .send(html`${translate(locale, 'tracking.lookup.no_shop')}`.value);
}
