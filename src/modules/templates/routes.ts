import { z } from 'zod';
import { withTransaction } from '../../db/pool.ts';
import type { AppDeps } from '../../http/deps.ts';
import { type ApiRoute, apiRoute } from '../../http/route.ts';
import { NotFoundError, ValidationError } from '../../lib/errors.ts';
import { SUPPORTED_LOCALES } from '../../lib/i18n.ts';
import { buildMessageContext } from '../messages/build-context.ts';
import { queueMessage } from '../messages/queue-message.ts';
import { findOrder } from '../orders/index.ts';
import { TEMPLATES, templateSpec } from './catalog.ts';
import { defaultLayout } from './defaults.ts';
import { localize, prepareTemplate, renderTemplate } from './engine.ts';
import { sampleContext } from './sample-context.ts';
import { forgetLatest, resolveTemplate } from './store.ts';

const channel = z.enum(['email', 'sms', 'whatsapp']);
const params = z.object({ key: z.string(), locale: z.enum(SUPPORTED_LOCALES) });
const sourceSchema = z
  .object({
    channel: channel.default('email'),
    subject: z.string().max(500).nullable().default(null),
    body: z.string().min(1).max(200_000),
    textBody: z.string().max(100_000).nullable().default(null),
  })
  .strict();

function known(key: string) {
  const spec = templateSpec(key);
  if (!spec) throw new NotFoundError(`Template "${key}"`, { known: TEMPLATES.map((t) => t.key) });
  return spec;
}

/**
 * Templates per merchant, locale and channel: list, read, save a new version (refused with line and column
 * when it does not parse), preview with sample or real order data, and send a test.
 */
export function templateRoutes({ db, config }: AppDeps): ApiRoute[] {
  return [
    apiRoute({
      method: 'GET',
      url: '/api/v1/templates',
      operationId: 'listTemplates',
      summary: 'Every message template, with your latest saved version per locale and channel (0 = built-in)',
      tag: 'Templates',
      response: { schema: z.object({ data: z.array(z.record(z.string(), z.unknown())) }) },
      handler: async ({ merchantId }) => {
        const saved = await db
          .selectFrom('message_templates')
          .select(['key', 'locale', 'channel', (eb) => eb.fn.max('version').as('version')])
          .where('merchant_id', '=', merchantId)
          .groupBy(['key', 'locale', 'channel'])
          .execute();
        return {
          data: TEMPLATES.map((t) => ({
            key: t.key,
            category: t.category,
            description: t.description,
            channels: t.channels,
            versions: saved
              .filter((s) => s.key === t.key)
              .map((s) => ({ locale: s.locale, channel: s.channel, version: s.version })),
          })),
        };
      },
    }),
    apiRoute({
      method: 'PUT',
      url: '/api/v1/templates/:key/:locale',
      operationId: 'saveTemplate',
      summary: 'Save a new version of a template for one locale and channel',
      description:
        'MJML is compiled now, not per send. A template that does not parse is refused with 422 template_invalid and its line and column.',
      tag: 'Templates',
      params,
      body: sourceSchema,
      response: {
        status: 201,
        schema: z.object({ key: z.string(), locale: z.string(), channel: z.string(), version: z.number() }),
      },
      handler: async ({ merchantId, params: p, body }) => {
        known(p.key);
        if (body.channel === 'email' && !body.subject)
          throw new ValidationError('An email template needs a subject.', undefined, 'subject_required');
        const prepared = await prepareTemplate(body, defaultLayout());
        const version = await withTransaction(db, async (tx) => {
          const last = await tx
            .selectFrom('message_templates')
            .select((eb) => eb.fn.max('version').as('v'))
            .where('merchant_id', '=', merchantId)
            .where('key', '=', p.key)
            .where('locale', '=', p.locale)
            .where('channel', '=', body.channel)
            .executeTakeFirst();
          const v = (last?.v ?? 0) + 1;
          await tx
            .insertInto('message_templates')
            .values({
              merchant_id: merchantId,
              key: p.key,
              locale: p.locale,
              channel: body.channel,
              version: v,
              subject: body.subject,
              body: body.body,
              text_body: body.textBody,
              compiled_html: prepared.html,
            })
            .execute();
          return v;
        });
        forgetLatest(merchantId);
        return { key: p.key, locale: p.locale, channel: body.channel, version };
      },
    }),
    apiRoute({
      method: 'POST',
      url: '/api/v1/templates/:key/:locale/preview',
      operationId: 'previewTemplate',
      summary: 'Render a template (the saved one, or the source you send) with sample data or a real order',
      tag: 'Templates',
      params,
      idempotent: false,
      body: z
        .object({
          channel: channel.default('email'),
          orderId: z.string().optional(),
          source: sourceSchema.optional(),
        })
        .strict()
        .optional(),
      response: {
        schema: z.object({
          subject: z.string().nullable(),
          html: z.string().nullable(),
          text: z.string(),
          warnings: z.array(z.string()),
          version: z.number().nullable(),
        }),
      },
      handler: async ({ merchantId, params: p, body }) => {
        const spec = known(p.key);
        const ch = body?.source?.channel ?? body?.channel ?? 'email';
        const compiled = body?.source
          ? {
              version: null,
              compiled: localize(await prepareTemplate(body.source, defaultLayout()), p.locale),
            }
          : await resolveTemplate(db, { merchantId, key: p.key, locale: p.locale, channel: ch });
        let scope: object;
        if (body?.orderId) {
          const order = await findOrder(db, merchantId, body.orderId);
          if (!order) throw new NotFoundError('Order', { id: body.orderId });
          ({ scope } = await buildMessageContext(db, config, {
            merchantId,
            locale: p.locale,
            category: spec.category,
            customerId: order.customer_id,
            orderId: order.id,
            shipmentId: null,
            messageId: null,
            channel: ch,
            extra: {},
          }));
        } else scope = { ...sampleContext(p.locale), category: spec.category };
        return { ...renderTemplate(compiled.compiled, scope), version: compiled.version };
      },
    }),
    apiRoute({
      method: 'POST',
      url: '/api/v1/templates/:key/:locale/test-send',
      operationId: 'testSendTemplate',
      summary: "Send the template for a real order to the order's customer (a message row like any other)",
      tag: 'Templates',
      params,
      body: z.object({ orderId: z.string(), channel: channel.default('email') }).strict(),
      response: { status: 201, schema: z.object({ messageId: z.string().nullable(), status: z.string() }) },
      handler: async ({ merchantId, params: p, body }) => {
        known(p.key);
        const order = await findOrder(db, merchantId, body.orderId);
        if (!order) throw new NotFoundError('Order', { id: body.orderId });
        const row = await withTransaction(db, (tx) =>
          queueMessage(tx, {
            merchantId,
            templateKey: p.key,
            channel: body.channel,
            cause: `test:${Date.now()}`,
            customerId: order.customer_id,
            orderId: order.id,
            locale: p.locale,
            now: new Date(),
          }),
        );
        return { messageId: row?.id ?? null, status: row?.status ?? 'duplicate' };
      },
    }),
  ];
}
