import { createHash } from 'node:crypto';
import multipart from '@fastify/multipart';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Db } from '../../../db/pool.ts';
import type { AppDeps } from '../../../http/deps.ts';
import { sendPublicHtml } from '../../../http/page.ts';
import { now } from '../../../lib/clock.ts';
import { AppError } from '../../../lib/errors.ts';
import { type Locale, localeFromAcceptLanguage, matchLocale } from '../../../lib/i18n.ts';
import { TtlCache } from '../../../lib/ttl-cache.ts';
import { findMerchant, type MerchantRow } from '../../merchants/index.ts';
import { link, readLink } from '../../messages/links.ts';
import { findOrder, listLines, type OrderLineRow, type OrderRow } from '../../orders/index.ts';
import { renderReturnLabel } from '../../printouts/index.ts';
import { createMerchantResolver } from '../../tracking/page/merchant.ts';
import { field, pickLocale, proofOf, shopOf } from '../../tracking/page/public-request.ts';
import { findOrderForLookup } from '../../tracking/page/repo.ts';
import { pageShell } from '../../tracking/page/shell.ts';
import { createReturn } from '../create-return.ts';
import { loadReturnLabel } from '../label-routes.ts';
import { loadReturnOrder } from '../load-return-facts.ts';
import { checkPhotos, MAX_PHOTO_BYTES, MAX_PHOTOS, type Photo } from '../photos.ts';
import { evaluateReturn, type ReturnEvaluation } from '../policy/evaluate.ts';
import { type ReturnPolicy, returnPolicy } from '../policy/schema.ts';
import { findReturn, listReturnLines, listReturns, listTransitions } from '../repo.ts';
import { RESOLUTIONS, type Resolution } from '../status.ts';
import { exchangeAlternatives } from './alternatives.ts';
import { lookupPage } from './lookup-page.ts';
import { type ChosenLine, choosePage, type PortalContext, previewPage, statusPage } from './pages.ts';
import { explainIn, portalText } from './text.ts';
/**
 * The customer's returns portal, server-rendered in the merchant's brand and the customer's language:
 *  - GET/POST /returns: find the order by number and checkout email or postal code (rate-limited, one
 *    answer for "no such order" and "wrong email"), or arrive with the tracking page's signed token;
 *  - GET /returns/o/{token}: choose items, quantities and reasons;
 *  - POST /returns/o/{token}/preview: what the policy allows and why, and the resolutions on offer;
 *  - POST /returns/o/{token}/submit (multipart, with photos): the request, then its status page;
 *  - GET /r/{token}: the return's status; /r/{token}/label.pdf its label once approved.
 * The order token is the one the tracking page uses (`t`), so every message and page links here unchanged.
 */
export async function registerReturnsPortal(app: FastifyInstance, deps: AppDeps): Promise<void> {
  const key = deps.config.SECRET_KEY;
  const db = deps.db;
  const merchants = merchantCache(db);
  const resolveMerchant = createMerchantResolver(db, new URL(deps.config.PUBLIC_URL).hostname);

  interface Loaded {
    merchant: MerchantRow;
    order: OrderRow;
    lines: OrderLineRow[];
    locale: Locale;
    ctx: PortalContext;
  }
  const load = async (request: FastifyRequest, token: string): Promise<Loaded | null> => {
    const payload = readLink(token, key, 't');
    if (!payload) return null;
    // One round trip: the lines are asked for with the order, the merchant usually comes from the cache.
    const [merchant, order, lines] = await Promise.all([
      merchants.find(payload.m),
      findOrder(db, payload.m, payload.o),
      listLines(db, payload.m, [payload.o]),
    ]);
    if (!merchant || !order) return null;
    const locale =
      matchLocale((request.query as { lang?: string }).lang) ??
      matchLocale(order.locale) ??
      localeFromAcceptLanguage(request.headers['accept-language']) ??
      matchLocale(merchant.locale) ??
      'en';
    return {
      merchant,
      order,
      lines,
      locale,
      ctx: {
        locale,
        shop: merchant.name,
        currency: order.currency,
        policy: merchants.policy(merchant),
        base: `/returns/o/${token}`,
      },
    };
  };
  const page = (reply: FastifyReply, status: number, merchant: MerchantRow, locale: Locale, main: string) => {
    const shell = pageShell(merchant, locale);
    const title = portalText(locale, merchant.name)('title');
    const body = main.includes('</main>') ? main : `${main}</main>`;
    return sendPublicHtml(reply, status, `${shell.open(title)}${body}${shell.close}`);
  };
  const notFound = (reply: FastifyReply) =>
    reply.status(404).type('text/plain; charset=utf-8').send('This link is not valid.');

  // --- finding the order ---------------------------------------------------------------------------
  app.get<{ Querystring: { shop?: string; lang?: string; token?: string } }>(
    '/returns',
    async (request, reply) => {
      // From the tracking page: its signed token already proves the order.
      if (request.query.token && readLink(request.query.token, key, 't')) {
        return reply.redirect(`/returns/o/${request.query.token}`, 303);
      }
      const merchant = await resolveMerchant({ host: request.headers.host, shop: request.query.shop });
      const locale = pickLocale(request, merchant);
      if (!merchant) return notFound(reply);
      return page(
        reply,
        200,
        merchant,
        locale,
        lookupPage({ locale, merchant, shop: request.query.shop, number: '', error: null }),
      );
    },
  );

  app.post<{ Querystring: { shop?: string; lang?: string }; Body: Record<string, unknown> | undefined }>(
    '/returns',
    {
      config: {
        rateLimit: {
          max: deps.config.TRACK_LOOKUPS_PER_MINUTE,
          timeWindow: 60_000,
          errorResponseBuilder: () => ({
            statusCode: 429,
            code: 'rate_limited',
            message: 'Too many lookups.',
          }),
        },
      },
      errorHandler: async (err: { statusCode?: number }, request, reply) => {
        if (err.statusCode !== 429) throw err;
        const shop = shopOf(request);
        const merchant = await resolveMerchant({ host: request.headers.host, shop });
        const locale = pickLocale(request, merchant);
        if (!merchant)
          return reply.status(429).send({ error: { code: 'rate_limited', message: 'Too many lookups.' } });
        return page(
          reply,
          429,
          merchant,
          locale,
          lookupPage({
            locale,
            merchant,
            shop,
            number: field(request.body, 'number'),
            error: 'rate_limited',
          }),
        );
      },
    },
    async (request, reply) => {
      const shop = shopOf(request);
      const merchant = await resolveMerchant({ host: request.headers.host, shop });
      const locale = pickLocale(request, merchant);
      if (!merchant) return notFound(reply);
      const number = field(request.body, 'number');
      const proof = proofOf(request.body);
      const found =
        number && number.length <= 100 && proof
          ? await findOrderForLookup(db, merchant.id, number, proof)
          : undefined;
      if (!found) {
        return page(
          reply,
          404,
          merchant,
          locale,
          lookupPage({ locale, merchant, shop, number, error: 'not_found' }),
        );
      }
      const token = link('', key, { k: 't', m: merchant.id, o: found.id }).slice('/t/'.length);
      return reply.redirect(`/returns/o/${token}?lang=${locale}`, 303);
    },
  );

  // --- choosing --------------------------------------------------------------------------------------
  app.get<{ Params: { token: string } }>('/returns/o/:token', async (request, reply) => {
    const l = await load(request, request.params.token);
    if (!l) return notFound(reply);
    return page(reply, 200, l.merchant, l.locale, await choose(l, null));
  });

  const choose = async (l: Loaded, error: string | null) => {
    const [facts, returns] = await Promise.all([
      loadReturnOrder({ db, order: l.order, lines: l.lines }),
      listReturns(db, l.merchant.id, { orderId: l.order.id, limit: 50 }),
    ]);
    const lines = l.lines.map((line) => {
      const fact = facts.lines.find((f) => f.lineId === line.id)!;
      const remaining = line.quantity - fact.quantityReturned;
      // Each line asked on its own, for one unit and a neutral reason: can it be returned at all, and until when?
      const ev = evaluateReturn({
        policy: l.ctx.policy,
        order: facts,
        request: {
          lines: [
            { lineId: line.id, quantity: Math.max(1, remaining), reason: 'changed_mind', hasPhotos: true },
          ],
        },
        customerHistory: { returnsInWindow: 0 },
        now: now(),
        timeZone: l.merchant.timezone,
      }).lines[0]!;
      const why = ev.reasons.filter((d) => d.outcome === 'rejected').map((d) => explainIn(l.locale, d));
      return { line, remaining, eligible: ev.eligible && remaining > 0, deadline: ev.deadline, why };
    });
    const statusLinks = new Map(
      returns.map((r) => [r.id, `${link('', key, { k: 'r', m: r.merchant_id, r: r.id })}?lang=${l.locale}`]),
    );
    return choosePage(l.ctx, { lines, returns, statusLinks, error });
  };

  /** The customer's choices from the form: lines ticked, with quantity, reason and comment. */
  const chosenFrom = async (l: Loaded, fields: Record<string, string | string[]>): Promise<ChosenLine[]> => {
    const ids = Object.keys(fields)
      .filter((k) => k.startsWith('pick.'))
      .map((k) => k.slice('pick.'.length));
    const chosen: ChosenLine[] = [];
    for (const id of new Set(ids)) {
      const line = l.lines.find((x) => x.id === id);
      if (!line) continue;
      const [reason = '', subReason = null] = String(fields[`reason.${id}`] ?? '').split(':');
      chosen.push({
        line,
        quantity: Math.max(
          1,
          Math.min(line.quantity, Number.parseInt(String(fields[`qty.${id}`] ?? '1'), 10) || 1),
        ),
        reason,
        subReason,
        comment: String(fields[`comment.${id}`] ?? '').slice(0, 2000),
        alternatives: await exchangeAlternatives(db, l.merchant.id, line),
      });
    }
    return chosen;
  };

  const evaluate = async (
    l: Loaded,
    chosen: ChosenLine[],
    resolution: Resolution | undefined,
    photoLines: Set<string>,
  ) => {
    const facts = await loadReturnOrder({ db, order: l.order, lines: l.lines });
    return evaluateReturn({
      policy: l.ctx.policy,
      order: facts,
      request: {
        resolution,
        lines: chosen.map((c) => ({
          lineId: c.line.id,
          quantity: c.quantity,
          reason: c.reason,
          subReason: c.subReason,
          comment: c.comment || null,
          hasPhotos: photoLines.has(c.line.id),
        })),
      },
      customerHistory: { returnsInWindow: 0 },
      now: now(),
      timeZone: l.merchant.timezone,
    });
  };

  app.post<{ Params: { token: string }; Body: Record<string, string | string[]> | undefined }>(
    '/returns/o/:token/preview',
    async (request, reply) => {
      const l = await load(request, request.params.token);
      if (!l) return notFound(reply);
      const t = portalText(l.locale, l.merchant.name);
      const chosen = await chosenFrom(l, request.body ?? {});
      if (chosen.length === 0)
        return page(reply, 400, l.merchant, l.locale, await choose(l, t('nothing_chosen')));
      if (chosen.some((c) => !c.reason))
        return page(reply, 400, l.merchant, l.locale, await choose(l, t('choose_reason')));
      // Photos come with the next form: judge the request as if they will, and ask for them there.
      const evaluation = await evaluate(l, chosen, undefined, new Set(chosen.map((c) => c.line.id)));
      return page(
        reply,
        200,
        l.merchant,
        l.locale,
        previewPage(l.ctx, {
          chosen,
          evaluation,
          error: null,
          gift: evaluation.decisions.some((d) => d.ruleId === 'gift_credit_only'),
        }),
      );
    },
  );

  // Multipart only here: everywhere else a form upload is refused as the wrong media type.
  await app.register(async (scope) => {
    await scope.register(multipart, {
      limits: { fileSize: MAX_PHOTO_BYTES, files: MAX_PHOTOS, fields: 400, fieldSize: 4000, parts: 500 },
    });
    scope.post<{ Params: { token: string } }>('/returns/o/:token/submit', async (request, reply) => {
      const l = await load(request, request.params.token);
      if (!l) return notFound(reply);
      const fields: Record<string, string | string[]> = {};
      const uploads: Array<{ orderLineId: string | null; data: Buffer }> = [];
      if (!request.isMultipart())
        return reply.status(415).send({
          error: { code: 'unsupported_media_type', message: 'Send the form as multipart/form-data.' },
        });
      try {
        for await (const part of request.parts()) {
          if (part.type === 'file') {
            const data = await part.toBuffer();
            if (data.length > 0)
              uploads.push({ orderLineId: part.fieldname.replace(/^photo\./, '') || null, data });
          } else {
            const v = String(part.value);
            const prev = fields[part.fieldname];
            fields[part.fieldname] = prev === undefined ? v : [prev, v].flat();
          }
        }
      } catch {
        // A photo over the size limit or too many files: busboy stops the upload.
        const t = portalText(l.locale, l.merchant.name);
        return page(reply, 413, l.merchant, l.locale, await choose(l, `${t('photos_hint')}`));
      }
      const chosen = await chosenFrom(l, fields);
      const resolution = (RESOLUTIONS as readonly string[]).includes(String(fields.resolution))
        ? (String(fields.resolution) as Resolution)
        : undefined;
      const t = portalText(l.locale, l.merchant.name);
      if (chosen.length === 0 || !resolution)
        return page(reply, 400, l.merchant, l.locale, await choose(l, t('nothing_chosen')));
      const retry = async (error: string, evaluation?: ReturnEvaluation) =>
        page(
          reply,
          422,
          l.merchant,
          l.locale,
          previewPage(l.ctx, {
            chosen,
            evaluation:
              evaluation ?? (await evaluate(l, chosen, undefined, new Set(chosen.map((c) => c.line.id)))),
            error,
            gift: false,
          }),
        );
      let photos: Photo[];
      try {
        photos = checkPhotos(uploads);
      } catch (err) {
        return retry(err instanceof AppError ? `${t('photos')}: ${t('photos_hint')}` : String(err));
      }
      // The same form sent twice (a double tap, a reload) is the same request: it finds the first return.
      const requestKey = createHash('sha256')
        .update(
          JSON.stringify([
            request.params.token,
            resolution,
            chosen.map((c) => [c.line.id, c.quantity, c.reason, c.subReason]),
          ]),
        )
        .digest('base64url');
      try {
        const made = await createReturn({
          db,
          merchantId: l.merchant.id,
          source: 'portal',
          actor: 'customer',
          now: now(),
          photos,
          input: {
            orderId: l.order.id,
            resolution,
            requestKey,
            lines: chosen.map((c) => ({
              orderLineId: c.line.id,
              quantity: c.quantity,
              reason: c.reason,
              ...(c.subReason ? { subReason: c.subReason } : {}),
              ...(c.comment ? { comment: c.comment } : {}),
              ...(fields[`variant.${c.line.id}`]
                ? { exchangeVariantId: String(fields[`variant.${c.line.id}`]) }
                : {}),
            })),
          },
        });
        return reply.redirect(
          `${link('', key, { k: 'r', m: l.merchant.id, r: made.ret.id })}?lang=${l.locale}`,
          303,
        );
      } catch (err) {
        if (err instanceof AppError && err.status < 500) {
          const photoLines = new Set(photos.map((p) => p.orderLineId ?? ''));
          const evaluation = await evaluate(l, chosen, resolution, photoLines);
          const why = evaluation.decisions
            .concat(evaluation.lines.flatMap((x) => x.reasons))
            .filter((d) => d.outcome === 'rejected')
            .map((d) => explainIn(l.locale, d));
          return retry(why.join(' ') || err.message, evaluation);
        }
        throw err;
      }
    });
  });

  // --- the return's label and status -----------------------------------------------------------------
  app.get<{ Params: { token: string }; Querystring: { lang?: string } }>(
    '/r/:token/label.pdf',
    async (request, reply) => {
      const payload = readLink(request.params.token, key, 'r');
      if (!payload) return notFound(reply);
      const view = await loadReturnLabel({
        db,
        config: deps.config,
        merchantId: payload.m,
        returnId: payload.r,
        locale: matchLocale(request.query.lang),
      });
      return reply
        .type('application/pdf')
        .header(
          'content-disposition',
          `inline; filename="return-label-${view.rma.replace(/[^\w.-]+/g, '')}.pdf"`,
        )
        .header('cache-control', 'private, no-store')
        .send(await renderReturnLabel(view));
    },
  );

  // --- the return's status ---------------------------------------------------------------------------
  app.get<{ Params: { token: string }; Querystring: { lang?: string } }>(
    '/r/:token',
    async (request, reply) => {
      const payload = readLink(request.params.token, key, 'r');
      const ret = payload ? await findReturn(db, payload.m, payload.r) : undefined;
      const merchant = ret ? await findMerchant(db, ret.merchant_id) : undefined;
      if (!ret || !merchant) return notFound(reply);
      const locale =
        matchLocale(request.query.lang) ??
        matchLocale(ret.locale) ??
        localeFromAcceptLanguage(request.headers['accept-language']) ??
        'en';
      const [lines, orderLines, history] = await Promise.all([
        listReturnLines(db, merchant.id, [ret.id]),
        listLines(db, merchant.id, [ret.order_id]),
        listTransitions(db, merchant.id, ret.id),
      ]);
      const rejected =
        ret.status === 'rejected'
          ? (history.findLast((h) => h.to_status === 'rejected')?.note ?? null)
          : null;
      const main = statusPage(
        { locale, shop: merchant.name, currency: ret.currency },
        {
          ret,
          lines,
          titles: new Map(orderLines.map((o) => [o.id, o.title])),
          labelUrl:
            LABEL_STATUSES.has(ret.status) && !ret.keep_item && ret.resolution !== 'returnless'
              ? `/r/${request.params.token}/label.pdf?lang=${locale}`
              : null,
          note: rejected,
        },
      );
      return page(reply, 200, merchant, locale, main);
    },
  );
}

/** The customer prints the label once the return is approved, until the parcel is on its way. */
const LABEL_STATUSES = new Set(['approved', 'label_issued']);

/**
 * Merchants and their parsed return policy, kept for half a minute: every portal page needs both, and a
 * brand or policy change showing up 30 s later is fine. Keyed by updated_at, so a change is parsed once.
 */
function merchantCache(db: Db) {
  const rows = new TtlCache<string, MerchantRow | null>(30_000, 1_000);
  const policies = new TtlCache<string, ReturnPolicy>(30_000, 1_000);
  return {
    async find(id: string): Promise<MerchantRow | undefined> {
      const hit = rows.get(id);
      if (hit !== undefined) return hit ?? undefined;
      const row = (await findMerchant(db, id)) ?? null;
      rows.set(id, row);
      return row ?? undefined;
    },
    policy(merchant: MerchantRow): ReturnPolicy {
      const key = `${merchant.id}@${merchant.updated_at.getTime()}`;
      let policy = policies.get(key);
      if (!policy) {
        policy = returnPolicy(merchant.settings);
        policies.set(key, policy);
      }
      return policy;
    },
  };
}
